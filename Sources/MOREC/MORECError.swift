/// Why a MOREC operation cannot run; each case names the file, key or value concerned.
public enum MORECError: Error, CustomStringConvertible, Equatable {
    /// Bad shapes or values given to a MOREC type.
    case invalidInput(String)
    /// A setting is out of range.
    case invalidSettings(String)
    /// The dynamics-reward file is missing.
    case missingRewardFile(path: String, hint: String)
    /// A reward or learner file does not fit what it is loaded into.
    case fileMismatch(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidInput(message): return "MOREC: invalid input: \(message)"
        case let .invalidSettings(message): return "MOREC: invalid settings: \(message)"
        case let .missingRewardFile(path, hint): return "MOREC: no dynamics reward at \(path). \(hint)"
        case let .fileMismatch(file, reason): return "MOREC: cannot use \(file): \(reason)"
        }
    }
}
