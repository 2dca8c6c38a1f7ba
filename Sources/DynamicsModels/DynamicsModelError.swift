/// Why a dynamics model could not be built, trained, saved or loaded.
public enum DynamicsModelError: Error, CustomStringConvertible, Equatable {
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, problem: String)
    /// Training data arrays disagree in shape.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Too few transitions for a training and a holdout set.
    case notEnoughData(transitions: Int, needed: Int)
    /// A checkpoint could not be written or read (file, key, what went wrong).
    case checkpoint(file: String, problem: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, problem):
            return "dynamics configuration: \(field): \(problem)"
        case let .shapeMismatch(name, expected, found):
            return "dynamics data: \(name) has shape \(found), expected \(expected)"
        case let .notEnoughData(transitions, needed):
            return "dynamics data: \(transitions) transitions, need at least \(needed) for a training and a holdout set"
        case let .checkpoint(file, problem):
            return "dynamics checkpoint \(file): \(problem)"
        }
    }
}
