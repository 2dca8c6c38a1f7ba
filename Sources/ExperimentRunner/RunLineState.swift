import Foundation
import PolicyLearning

/// Where one run line stands, for `orl reproduce --status`: ``RunStatus`` (finished, resumable,
/// new) refined by what the queue knows: a run whose lock another process holds is running, and
/// a run whose last attempt exited non-zero (the queue's `.queue-failed` marker) is failed.
public enum RunLineState: String, Sendable, Codable, CaseIterable {
    /// Its final artefact or archived record exists.
    case finished
    /// A queue (local or a Slurm array task) holds its lock now.
    case running
    /// A resume point exists and no attempt failed.
    case resumable
    /// The last attempt exited non-zero by itself (see its `stderr.log`); a run killed by a
    /// signal (`scancel`, a kill) stays resumable.
    case failed
    /// Nothing yet.
    case notStarted = "not started"

    /// The marker the queue leaves in a run directory when the run exits non-zero (removed when it starts again).
    public static let failureMarker = ".queue-failed"

    /// The state of the run in `directory` (archived records consulted under `records`).
    public init(of directory: String, records: String? = RunStatus.defaultRecords) {
        let status = RunStatus(of: directory, records: records)
        let fm = FileManager.default
        if status == .finished { self = .finished; return }
        guard fm.fileExists(atPath: directory) else { self = .notStarted; return }
        if FileLock.run(directory) == nil { self = .running; return }
        if fm.fileExists(atPath: (directory as NSString).appendingPathComponent(Self.failureMarker)) { self = .failed; return }
        self = status == .resumable ? .resumable : .notStarted
    }
}
