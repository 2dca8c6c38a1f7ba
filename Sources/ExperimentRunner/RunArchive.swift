import Foundation
import PolicyLearning

/// Copies the text record of every finished run (``RunStatus``) into a committed folder, so tables
/// accumulate across machines: run directories hold checkpoints and agents too large to commit and
/// vanish with the machine, while a table needs only the configuration, metadata, learning curves
/// and fit summaries. Each record gains `finished.json` (final step, wall time, source path), the
/// marker every summary reads.
public struct RunArchive {
    /// The files a record keeps, when the run has them.
    public static let keptFiles = ["config.json", "metadata.json", "progress.csv", "progress.jsonl", "dynamics.json",
                                   "dynamics-progress.csv", "rollout-steps.jsonl", "summary.json", "timing.json"]

    /// Where records go.
    public var records: String

    /// An archive writing to `records`.
    public init(records: String = RunStatus.defaultRecords) { self.records = records }

    /// What the marker says.
    public struct Marker: Codable, Equatable, Sendable {
        /// The run directory archived.
        public var source: String
        /// The last logged step, if any.
        public var step: String?
        /// The wall time at the last logged row, if any.
        public var wallSeconds: String?

        enum CodingKeys: String, CodingKey { case source, step, wallSeconds = "wall_seconds" }
    }

    /// Archives `directory` if it is finished and its record is missing or older (its progress log
    /// changed). Returns whether it copied anything.
    /// - Throws: file-system errors.
    @discardableResult
    public func archive(_ directory: String) throws -> Bool {
        let fm = FileManager.default
        guard RunStatus.finalArtefacts.contains(where: { fm.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }) else {
            return false
        }
        let target = RunStatus.recordPath(of: directory, records: records)
        let progress = (directory as NSString).appendingPathComponent("progress.csv")
        let marker = (target as NSString).appendingPathComponent(RunStatus.recordMarker)
        if fm.fileExists(atPath: marker),
           fm.contents(atPath: progress) == fm.contents(atPath: (target as NSString).appendingPathComponent("progress.csv")) {
            return false
        }
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        for file in Self.keptFiles {
            let source = (directory as NSString).appendingPathComponent(file)
            guard let data = fm.contents(atPath: source) else { continue }
            try AtomicFile.write(data, to: (target as NSString).appendingPathComponent(file))
        }
        let last = Self.lastRow(csv: progress)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(Marker(source: directory, step: last["step"], wallSeconds: last["wall_seconds"])),
                             to: marker)
        return true
    }

    /// Archives every run of `lists`; returns the directories archived.
    /// - Throws: file-system errors.
    public func archive(_ lists: [RunList]) throws -> [String] {
        try lists.flatMap(\.runs).map(\.directory).filter { try archive($0) }
    }

    /// The last row of a CSV log as column → text (empty when absent).
    static func lastRow(csv path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        let lines = text.split(separator: "\n")
        guard let header = lines.first, lines.count > 1, let last = lines.last else { return [:] }
        return Dictionary(zip(header.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
                              last.split(separator: ",", omittingEmptySubsequences: false).map(String.init)),
                          uniquingKeysWith: { a, _ in a })
    }
}
