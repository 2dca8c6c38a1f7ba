/// A failure reading or writing an HDF5 file; every case names the file and, where one is
/// involved, the key (the dataset or group path inside the file).
///
/// libhdf5's own error-stack printing is silenced; its messages are folded into `reason`.
public enum HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file exists at the path.
    case fileNotFound(file: String)
    /// The file exists but is not an HDF5 file (wrong signature, empty or truncated superblock).
    case notHDF5(file: String)
    /// The file could not be opened or created for another reason (permissions, locking, ...).
    case cannotOpen(file: String, reason: String)
    /// The key is absent; `available` lists the datasets (and groups) that are present.
    case missingKey(file: String, key: String, available: [String])
    /// The key names a group where a dataset was expected, or the reverse.
    case wrongKind(file: String, key: String, expected: String, found: String)
    /// The dataset has the wrong number of dimensions.
    case wrongRank(file: String, key: String, expected: String, found: [Int])
    /// The dataset has the wrong dimensions.
    case wrongShape(file: String, key: String, expected: String, found: [Int])
    /// The dataset's element type cannot be read as the requested type.
    case wrongType(file: String, key: String, expected: String, found: String)
    /// The file's structure or the dataset's bytes are damaged (bad checksum, truncated chunk, ...).
    case corrupt(file: String, key: String, reason: String)
    /// Writing failed (disk full, read-only file, invalid name, ...).
    case writeFailed(file: String, key: String, reason: String)
    /// A request that cannot be satisfied, such as rows outside the dataset.
    case invalidRequest(file: String, key: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): no such file"
        case let .notHDF5(file):
            return "\(file): not an HDF5 file (bad signature or truncated superblock)"
        case let .cannotOpen(file, reason):
            return "\(file): cannot open: \(reason)"
        case let .missingKey(file, key, available):
            let shown = available.prefix(40).joined(separator: ", ")
            let more = available.count > 40 ? ", … (\(available.count) in all)" : ""
            return "\(file): missing key '\(key)'; present: [\(shown)\(more)]"
        case let .wrongKind(file, key, expected, found):
            return "\(file): '\(key)': expected a \(expected), found a \(found)"
        case let .wrongRank(file, key, expected, found):
            return "\(file): '\(key)': expected rank \(expected), found shape \(found) (rank \(found.count))"
        case let .wrongShape(file, key, expected, found):
            return "\(file): '\(key)': expected shape \(expected), found \(found)"
        case let .wrongType(file, key, expected, found):
            return "\(file): '\(key)': expected element type \(expected), found \(found)"
        case let .corrupt(file, key, reason):
            return "\(file): '\(key)': corrupt or truncated data: \(reason)"
        case let .writeFailed(file, key, reason):
            return "\(file): '\(key)': write failed: \(reason)"
        case let .invalidRequest(file, key, reason):
            return "\(file): '\(key)': \(reason)"
        }
    }
}
