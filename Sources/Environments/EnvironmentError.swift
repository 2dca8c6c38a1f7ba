/// Errors of the Environments module; each names the file or task involved.
public enum EnvironmentError: Error, CustomStringConvertible, Equatable {
    /// A MuJoCo model file is not where ``AssetLocator`` looked.
    case missingAsset(file: String, searched: String)
    /// MuJoCo could not compile a model file.
    case modelLoadFailed(path: String, message: String)
    /// A model file loaded but has other sizes than the environment expects.
    case unexpectedModel(path: String, expected: String, found: String)
    /// No environment or termination function has this name.
    case unknownTask(name: String, known: [String])

    public var description: String {
        switch self {
        case let .missingAsset(file, searched):
            return "MuJoCo model file \(file) not found at \(searched). Run scripts/setup to fetch the assets "
                + "(from Gymnasium's wheel on PyPI), or set \(AssetLocator.environmentVariable) to a folder holding them."
        case let .modelLoadFailed(path, message):
            return "MuJoCo could not load \(path): \(message)"
        case let .unexpectedModel(path, expected, found):
            return "MuJoCo model \(path): expected \(expected), found \(found)"
        case let .unknownTask(name, known):
            return "unknown task \"\(name)\"; known tasks: \(known.joined(separator: ", "))"
        }
    }
}
