/// A dataset that cannot be used: every case names the file (or dataset name), the key and
/// what was expected versus found. File-level HDF5 failures are thrown as ``HDF5Error``.
public enum OfflineDataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A required key is absent; `available` lists the keys present.
    case missingKey(file: String, key: String, available: [String])
    /// An array's first dimension differs from the number of transitions.
    case lengthMismatch(file: String, key: String, expected: Int, found: Int)
    /// An array has the wrong shape (rank, or a column count that disagrees with another key).
    case wrongShape(file: String, key: String, expected: String, found: [Int])
    /// An array has an element type the layout does not allow.
    case wrongType(file: String, key: String, expected: String, found: String)
    /// A NaN or infinity, at the first offending row.
    case nonFinite(file: String, key: String, row: Int)
    /// Values a loader refuses: no rows, a magnitude beyond ``OfflineDataset/largestUsableMagnitude``,
    /// a flag other than 0/1, a row both terminal and timeout, an action outside the action space.
    /// `problem` names the key and the first offending row.
    case invalidData(file: String, problem: DatasetProblem)
    /// A `.npz`/`.npy` container that cannot be decoded.
    case badArchive(file: String, key: String, reason: String)
    /// A dataset name that is not in the registry; `suggestions` are the closest known names.
    case unknownDataset(name: String, suggestions: [String])
    /// A registered dataset whose file is not present locally; `searched` lists where we looked,
    /// `remedy` how to get the file (a download address, or the command that generates it).
    case fileNotPresent(name: String, fileName: String, searched: [String], remedy: String?)
    /// The registry (manifest) cannot be decoded.
    case badManifest(file: String, reason: String)
    /// A request that cannot be satisfied (an empty dataset for sampling, a bad ratio, ...).
    case invalidRequest(reason: String)
    /// A dataset's metadata that cannot be used: a Minari `metadata.json` that is missing, is not
    /// JSON, lacks a required key, or names a layout this library does not read (`data_format`
    /// other than `hdf5`, a space other than `Box`).
    case badMetadata(file: String, reason: String)

    public var description: String {
        switch self {
        case let .missingKey(file, key, available):
            return "\(file): missing key '\(key)'; present: [\(available.joined(separator: ", "))]"
        case let .lengthMismatch(file, key, expected, found):
            return "\(file): '\(key)' has \(found) rows, expected \(expected) (the length of 'rewards')"
        case let .wrongShape(file, key, expected, found):
            return "\(file): '\(key)': expected shape \(expected), found \(found)"
        case let .wrongType(file, key, expected, found):
            return "\(file): '\(key)': expected \(expected), found \(found)"
        case let .nonFinite(file, key, row):
            return "\(file): '\(key)' holds NaN or infinity, first at row \(row)"
        case let .invalidData(file, problem):
            return "\(file): \(problem)"
        case let .badArchive(file, key, reason):
            return "\(file): '\(key)': \(reason)"
        case let .unknownDataset(name, suggestions):
            return "unknown dataset '\(name)'; closest known names: \(suggestions.joined(separator: ", "))"
        case let .fileNotPresent(name, fileName, searched, remedy):
            return "dataset '\(name)': \(fileName) not found in \(searched.joined(separator: ", "))\(remedy.map { "; \($0)" } ?? "")"
        case let .badManifest(file, reason):
            return "\(file): bad dataset manifest: \(reason)"
        case let .invalidRequest(reason):
            return reason
        case let .badMetadata(file, reason):
            return "\(file): \(reason)"
        }
    }
}
