import Foundation

/// Where a run stands: the one definition of a finished run, used by the queue, by the archive
/// and (through the `finished.json` the archive writes) by every script that summarises results.
///
/// A run is **finished** when its directory holds the artefact its command writes last (`final.h5`
/// of `orl train` and `orl sac`, `reward.h5` of `orl morec learn-reward`), or when its archived
/// record (`RECORDS/DATASET/NAME/finished.json`) exists, so a new machine does not redo a run whose
/// directory vanished. It is **resumable** when a resume point exists, and **new** otherwise.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Nothing to do.
    case finished
    /// A recorded configuration, a checkpoint, a dynamics model or a fit in progress: continue with `--resume`.
    case resumable
    /// Nothing yet.
    case new

    /// The artefacts that mark a finished run, whichever command made it.
    public static let finalArtefacts = ["final.h5", "reward.h5"]
    /// The files a run resumes from. `config.json` is among them because `orl train` writes it
    /// before any work and refuses to start again in that directory without `--resume`: a run
    /// killed before its first checkpoint (say, while it waited for another run's shared dynamics
    /// fit) is continued, not failed. The other commands start afresh on `--resume` without a
    /// checkpoint.
    public static let resumePoints = ["config.json", "checkpoint.h5", "dynamics.h5", "dynamics-fit.h5", "learner.h5"]
    /// The file an archived record carries.
    public static let recordMarker = "finished.json"
    /// Where archived records live by default (committed).
    public static let defaultRecords = "Experiments/run-records"

    /// The status of the run in `directory`, consulting the archived records under `records`.
    public init(of directory: String, records: String? = RunStatus.defaultRecords) {
        let fm = FileManager.default
        func has(_ name: String) -> Bool { fm.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) }
        if Self.finalArtefacts.contains(where: has) {
            self = .finished
        } else if let records, fm.fileExists(atPath: Self.recordPath(of: directory, records: records) + "/" + Self.recordMarker) {
            self = .finished
        } else if Self.resumePoints.contains(where: has) {
            self = .resumable
        } else {
            self = .new
        }
    }

    /// The record folder of a run directory: its last two components (`DATASET/NAME`) under `records`.
    public static func recordPath(of directory: String, records: String) -> String {
        let parts = (directory as NSString).standardizingPath.split(separator: "/").suffix(2).joined(separator: "/")
        return (records as NSString).appendingPathComponent(parts)
    }
}
