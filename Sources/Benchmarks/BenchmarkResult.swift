import Foundation

/// One benchmark measurement, printed as one JSON object per line with `--json`.
///
/// `ratio` is `gflops / peakGflops`, where the peak is this machine's 1024³ sgemm rate measured
/// in the same run, so results compare across machines and noisy periods.
public struct BenchmarkResult: Encodable, Sendable {
    /// What was timed, e.g. `dynamics-step`, `sac-n10` or `env-hopper`.
    public var workload: String
    /// Median wall time of one timed round, in milliseconds.
    public var medianMs: Double
    /// Floating-point work of one round in GFLOP, where the workload has a FLOP count.
    public var gflop: Double?
    /// Achieved rate, `gflop / median seconds`.
    public var gflops: Double?
    /// This machine's sgemm peak measured in the same run.
    public var peakGflops: Double?
    /// `gflops / peakGflops`: the number to compare across machines.
    public var ratio: Double?
    /// Further numbers or labels specific to the workload (kernel name, ratios to a baseline, ...).
    public var extra: [String: JSONValue]

    /// A result; `gflops` and `ratio` are derived from `gflop`, `medianMs` and `peakGflops` when given.
    public init(workload: String, medianMs: Double, gflop: Double? = nil, peakGflops: Double? = nil,
                extra: [String: JSONValue] = [:]) {
        self.workload = workload
        self.medianMs = medianMs
        self.gflop = gflop
        if let gflop, medianMs > 0 {
            gflops = gflop / (medianMs / 1000)
            if let peakGflops { ratio = gflops! / peakGflops }
        }
        self.peakGflops = peakGflops
        self.extra = extra
    }

    /// The result as a single-line JSON object with snake_case keys, `workload` first.
    public var jsonLine: String {
        var fields: [(String, JSONValue)] = [("workload", .string(workload)), ("median_ms", .number(medianMs))]
        if let gflop { fields.append(("gflop", .number(gflop))) }
        if let gflops { fields.append(("gflops", .number(gflops))) }
        if let peakGflops { fields.append(("peak_gflops", .number(peakGflops))) }
        if let ratio { fields.append(("ratio", .number(ratio))) }
        for key in extra.keys.sorted() { fields.append((key, extra[key]!)) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",") + "}"
    }

    /// Encodes the result as its ``jsonLine`` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonLine)
    }
}

/// A JSON scalar for ``BenchmarkResult/extra``.
public enum JSONValue: Sendable, Equatable {
    case number(Double), string(String), bool(Bool)

    var json: String {
        switch self {
        case let .number(x): return x.isFinite ? String(format: "%.6g", x) : "null"
        case let .string(s):
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        case let .bool(b): return b ? "true" : "false"
        }
    }
}
