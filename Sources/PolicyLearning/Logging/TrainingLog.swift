import Foundation

/// One row per evaluation in `progress.jsonl` (JSON Lines) and `progress.csv`, with the columns
/// fixed by the first row. On resume, rows past the checkpoint's step are dropped so the log of a
/// resumed run equals that of an uninterrupted one.
public final class TrainingLog {
    /// Folder of `progress.jsonl` and `progress.csv`.
    public let directory: URL
    private var columns: [String]?

    /// Opens (or creates) the logs in `directory`, keeping only rows with `step ≤ keepThroughStep`
    /// when given (a resumed run), or starting empty otherwise. The kept rows are written to new
    /// files that replace the old ones atomically, so a kill at any moment leaves either the old
    /// logs or the new ones, never none.
    public init(directory: URL, keepThroughStep: Int?) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let jsonl = directory.appendingPathComponent("progress.jsonl")
        var kept = [[String: Double]]()
        if let limit = keepThroughStep, let text = try? String(contentsOf: jsonl, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let row = try? JSONDecoder().decode([String: Double].self, from: Data(line.utf8)),
                      let step = row["step"], Int(step) <= limit else { continue }
                kept.append(row)
            }
        }
        var lines = Data(), csv = Data()
        for row in kept {
            let (jsonLine, csvLines) = try render(row)
            lines.append(jsonLine)
            csv.append(csvLines)
        }
        try AtomicFile.write(lines, to: jsonl.path)
        try AtomicFile.write(csv, to: directory.appendingPathComponent("progress.csv").path)
    }

    /// The JSON line of `row` and its CSV line (after the header, when this is the first row).
    private func render(_ row: [String: Double]) throws -> (json: Data, csv: Data) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var line = try encoder.encode(row)
        line.append(UInt8(ascii: "\n"))
        var csv = Data()
        if columns == nil {
            columns = ["step"] + row.keys.filter { $0 != "step" }.sorted()
            csv.append(Data((columns!.joined(separator: ",") + "\n").utf8))
        }
        let cells = columns!.map { key in row[key].map { Self.format($0) } ?? "" }
        csv.append(Data((cells.joined(separator: ",") + "\n").utf8))
        return (line, csv)
    }

    /// Appends one row (keys become columns; missing values are empty in the CSV).
    public func append(_ row: [String: Double]) throws {
        let (line, csv) = try render(row)
        try appendData(line, to: directory.appendingPathComponent("progress.jsonl"))
        try appendData(csv, to: directory.appendingPathComponent("progress.csv"))
    }

    /// The rows currently in `progress.jsonl`.
    public func rows() throws -> [[String: Double]] { try Self.readRows(directory: directory) }

    /// The rows of the `progress.jsonl` in `directory`, without opening the log for writing.
    public static func readRows(directory: URL) throws -> [[String: Double]] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("progress.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) }
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    private func appendData(_ data: Data, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }
}

/// A one-line progress report: rate and time left.
public struct ProgressLine: Sendable {
    /// Steps done.
    public var step: Int
    /// Steps in the run.
    public var totalSteps: Int
    /// Rate since this process started.
    public var stepsPerSecond: Double
    /// Mean return of the latest evaluation, if any.
    public var latestReturn: Double?

    /// "step 12000/200000 (6.0%)  312 steps/s  ETA 10m02s  return 1234.5"
    public var text: String {
        let eta = stepsPerSecond > 0 ? Double(totalSteps - step) / stepsPerSecond : .infinity
        let percent = 100 * Double(step) / Double(Swift.max(totalSteps, 1))
        var s = "step \(step)/\(totalSteps) (\(String(format: "%.1f", percent))%)  \(String(format: "%.0f", stepsPerSecond)) steps/s  ETA \(Self.duration(eta))"
        if let r = latestReturn { s += "  return \(String(format: "%.1f", r))" }
        return s
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}
