import Foundation

/// One finished run's learning curve as a table reads it: the run directory when it holds its
/// final artefact, else its archived record (``RunStatus``), so a table is the same on the
/// machine that ran it and on a fresh clone with only the committed records.
public struct RunRecord: Sendable, Equatable {
    /// The table's arm (the run directory's name without `-seedS`).
    public var arm: String
    /// The dataset (the run directory's parent folder).
    public var dataset: String
    /// The seed (from `-seedS`).
    public var seed: Int
    /// Where the log was read.
    public var source: String
    /// The progress log: one row per evaluation, column → value (empty cells left out).
    public var rows: [[String: Double]]

    /// The run's score: the mean D4RL-normalized score of its last `k` evaluations (NaN without any).
    public func score(lastEvaluations k: Int) -> Double { lastMean("normalized_score", k) }

    /// The mean of `column` over the last `k` evaluations that have it (NaN without any).
    public func lastMean(_ column: String, _ k: Int) -> Double {
        let values = rows.compactMap { $0[column] }.suffix(k)
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The wall time at the last logged row, in seconds.
    public var wallSeconds: Double? { rows.last?["wall_seconds"] }

    /// The arm, dataset and seed a run directory's path names (`.../DATASET/ARM-seedS`); `nil` otherwise.
    public static func identity(of directory: String) -> (dataset: String, arm: String, seed: Int)? {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let name = url.lastPathComponent, dataset = url.deletingLastPathComponent().lastPathComponent
        guard let range = name.range(of: "-seed", options: .backwards), let seed = Int(name[range.upperBound...]) else { return nil }
        return (dataset, String(name[..<range.lowerBound]), seed)
    }

    /// The record of the finished run in `directory`, or `nil` when it is not finished.
    /// - Throws: ``RunRecordError`` when a finished run's log cannot be read.
    public init?(directory: String, records: String? = RunStatus.defaultRecords) throws(RunRecordError) {
        guard RunStatus(of: directory, records: records) == .finished, let identity = Self.identity(of: directory) else { return nil }
        let fm = FileManager.default
        let ownFinal = RunStatus.finalArtefacts.contains { fm.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }
        let folder = ownFinal || records == nil ? directory : RunStatus.recordPath(of: directory, records: records!)
        let path = (folder as NSString).appendingPathComponent("progress.csv")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path: path) }
        self.arm = identity.arm
        self.dataset = identity.dataset
        self.seed = identity.seed
        self.source = folder
        self.rows = try Self.parse(csv: text, path: path)
    }

    /// A record made in code.
    public init(arm: String, dataset: String, seed: Int, source: String, rows: [[String: Double]]) {
        self.arm = arm
        self.dataset = dataset
        self.seed = seed
        self.source = source
        self.rows = rows
    }

    static func parse(csv text: String, path: String) throws(RunRecordError) -> [[String: Double]] {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return try lines.dropFirst().enumerated().map { (index, cells) throws(RunRecordError) in
            guard cells.count == header.count else {
                throw .malformed(path: path, line: index + 2, problem: "\(cells.count) cells, the header has \(header.count)")
            }
            var row: [String: Double] = [:]
            for (key, cell) in zip(header, cells) where !cell.isEmpty {
                guard let value = Double(cell) else { throw .malformed(path: path, line: index + 2, problem: "\(key) = '\(cell)' is not a number") }
                row[key] = value
            }
            return row
        }
    }
}

/// A finished run's log that cannot be read.
public enum RunRecordError: Error, CustomStringConvertible, Equatable {
    /// `progress.csv` is missing.
    case unreadable(path: String)
    /// A row does not parse.
    case malformed(path: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot read \(path) of a finished run"
        case let .malformed(path, line, problem): return "\(path):\(line): \(problem)"
        }
    }
}
