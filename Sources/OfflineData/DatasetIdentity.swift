import Foundation

/// What identifies a dataset file for a run's record: its path, size in bytes and SHA-256, so a
/// resumed or reproduced run can tell whether it reads the same bytes.
///
/// ```swift
/// let identity = try DatasetIdentity(path: "/data/hopper-medium-orl.hdf5")
/// print(identity.sha256)   // 64 lower-case hex digits
/// ```
public struct DatasetIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file's path as given.
    public var path: String
    /// The file's size in bytes.
    public var byteCount: Int
    /// The lower-case hexadecimal SHA-256 of the file's bytes.
    public var sha256: String

    /// Creates an identity from its parts (for decoding and comparison).
    public init(path: String, byteCount: Int, sha256: String) {
        self.path = path
        self.byteCount = byteCount
        self.sha256 = sha256
    }

    /// Reads the file at `path` once and records its size and SHA-256 (a 137 MB file takes
    /// about 1.9 s in a release build).
    /// - Throws: ``OfflineDataError/invalidRequest(reason:)`` naming the path when the file
    ///   cannot be read.
    public init(path: String) throws {
        do {
            // Size and hash from the same read, so a symbolic link is sized by the file it names.
            (sha256, byteCount) = try SHA256Checksum.digestAndLength(ofFileAt: path)
        } catch {
            throw OfflineDataError.invalidRequest(reason: "cannot read dataset file \(path) to record its identity: \(error.localizedDescription)")
        }
        self.path = path
    }

    /// Whether `other` has the same bytes (the same hash; the path may differ). The size is not
    /// compared: the hash decides, and records written before sizes followed symbolic links hold
    /// the link's size.
    public func sameContent(as other: DatasetIdentity) -> Bool {
        sha256 == other.sha256
    }

    public var description: String { "\(path) (\(byteCount) bytes, sha256 \(sha256))" }
}
