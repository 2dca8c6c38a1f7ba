import Foundation

/// How far an unfinished run has come, for `orl reproduce --status`: its last evaluation (the
/// update count and normalized score of `progress.csv`'s last row) against its budget
/// (`config.json`'s `totalSteps`), and the update its checkpoint holds (what a kill keeps; from
/// `timing.json`). Long queues (hours per run) need more than "running".
public struct RunProgress: Equatable, Sendable {
    /// The update count of the last evaluation.
    public var evaluatedStep: Int
    /// The run's budget of updates, when its configuration says.
    public var totalSteps: Int?
    /// The last evaluation's normalized score, when the run logs one.
    public var normalizedScore: Double?
    /// The update count of the run's checkpoint, when it has one.
    public var checkpointStep: Int?

    /// A progress made in code.
    public init(evaluatedStep: Int, totalSteps: Int?, normalizedScore: Double?, checkpointStep: Int? = nil) {
        self.evaluatedStep = evaluatedStep
        self.totalSteps = totalSteps
        self.normalizedScore = normalizedScore
        self.checkpointStep = checkpointStep
    }

    /// The progress of the run in `directory`, or `nil` before its first evaluation (or when its
    /// log does not parse: the status line then just omits it).
    public init?(directory: String) {
        let folder = directory as NSString
        guard let text = try? String(contentsOfFile: folder.appendingPathComponent("progress.csv"), encoding: .utf8),
              let last = (try? RunRecord.parse(csv: text, path: ""))?.last, let step = last["step"] else { return nil }
        func json(_ name: String) -> [String: Any]? {
            FileManager.default.contents(atPath: folder.appendingPathComponent(name))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
        let hasCheckpoint = FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint.h5"))
        self.init(evaluatedStep: Int(step), totalSteps: json("config.json")?["totalSteps"] as? Int,
                  normalizedScore: last["normalized_score"],
                  checkpointStep: hasCheckpoint ? (json("timing.json")?["checkpoint_step"] as? NSNumber)?.intValue : nil)
    }

    /// "evaluated at 12,500 of 50,000 updates (25%), score 4.6; checkpoint at 10,000".
    public var summary: String {
        var text = "evaluated at \(Self.grouped(evaluatedStep))"
        if let total = totalSteps, total > 0 {
            text += " of \(Self.grouped(total)) updates (\(evaluatedStep * 100 / total)%)"
        } else {
            text += " updates"
        }
        if let score = normalizedScore { text += ", score " + String(format: "%.1f", score) }
        if let checkpoint = checkpointStep { text += "; checkpoint at \(Self.grouped(checkpoint))" }
        return text
    }

    private static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, d in (i > 0 && (digits.count - i) % 3 == 0) ? [",", d] : [d] })
    }
}
