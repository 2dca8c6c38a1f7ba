import Foundation

/// An experiment's results (`orl results`): one row per dataset and arm with the runs' scores
/// (``RunRecord/score(lastEvaluations:)``) as mean ± std over seeds, the published reference
/// beside it, the spec's further columns and the mean wall time; then Welch's t for each
/// compared pair of arms. Rows are grouped by dataset, datasets and arms in the run list's order;
/// only `orl train` lines count.
public struct ResultsTable: Sendable {
    /// One dataset × arm cell.
    public struct Row: Sendable, Equatable, Codable {
        /// Dataset and arm.
        public var dataset: String, arm: String
        /// Finished runs and listed runs.
        public var finished: Int, listed: Int
        /// Seed → score of the finished runs.
        public var scores: [Int: Double]
        /// Mean ± sample std over seeds (mean NaN without runs, std NaN with fewer than two: one
        /// value has no spread to report).
        public var mean: Double, standardDeviation: Double
        /// The published score, if the spec has one.
        public var reference: Double?
        /// The behaviour data's score, if the spec has one.
        public var behaviour: Double?
        /// Further columns: name → (mean, std) over seeds, NaN as for the score.
        public var columns: [String: [Double]]
        /// Mean wall time per finished run, minutes.
        public var wallMinutes: Double?
    }

    /// Welch's t between two arms on one dataset.
    public struct Comparison: Sendable, Equatable, Codable {
        /// The dataset and the arms (first minus second).
        public var dataset: String, first: String, second: String
        /// The means' difference.
        public var difference: Double
        /// The test (`nil` with fewer than 2 seeds on a side).
        public var t: Double?, degreesOfFreedom: Double?, pValue: Double?
    }

    /// The spec.
    public var spec: ExperimentSpec
    /// The rows.
    public var rows: [Row]
    /// The comparisons.
    public var comparisons: [Comparison]
    /// Every finished run's record, in list order (for curves).
    public var records: [RunRecord]

    /// Builds the table of the runs of `lists` (each run directory once) under `spec`, reading
    /// finished runs (archived records under `records`).
    /// - Throws: ``RunRecordError`` for a finished run whose log cannot be read.
    public init(spec: ExperimentSpec, lists: [RunList], records recordsFolder: String? = RunStatus.defaultRecords) throws(RunRecordError) {
        var order: [String] = [], listed: [String: Int] = [:], found: [String: [RunRecord]] = [:], all: [RunRecord] = []
        var seen = Set<String>()
        for run in lists.flatMap(\.runs) where run.arguments.first == "train" && seen.insert(run.directory).inserted {
            guard let identity = RunRecord.identity(of: run.directory), spec.arms?.contains(identity.arm) ?? true else { continue }
            let key = identity.dataset + "\u{0}" + identity.arm
            if listed[key] == nil { order.append(key) }
            listed[key, default: 0] += 1
            if let record = try RunRecord(directory: run.directory, records: recordsFolder) {
                found[key, default: []].append(record)
                all.append(record)
            }
        }
        // Grouped by dataset, each in the list's order of datasets and of arms.
        let datasets = Self.unique(order.map { String($0.split(separator: "\u{0}")[0]) })
        let arms = spec.arms ?? Self.unique(order.map { String($0.split(separator: "\u{0}")[1]) })
        order.sort { x, y in
            let a = x.split(separator: "\u{0}").map(String.init), b = y.split(separator: "\u{0}").map(String.init)
            let da = datasets.firstIndex(of: a[0])!, db = datasets.firstIndex(of: b[0])!
            return da != db ? da < db : arms.firstIndex(of: a[1])! < arms.firstIndex(of: b[1])!
        }
        self.spec = spec
        self.records = all
        let k = spec.lastEvaluations
        rows = order.map { key in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            let runs = (found[key] ?? []).sorted { $0.seed < $1.seed }
            let summary = SampleSummary(runs.map { $0.score(lastEvaluations: k) })
            var columns: [String: [Double]] = [:]
            for column in spec.columns ?? [] {
                let s = SampleSummary(runs.map { $0.lastMean(column.progress, k) }.filter { !$0.isNaN })
                columns[column.name] = [s.mean, Self.spread(s)]
            }
            let walls = runs.compactMap(\.wallSeconds)
            return Row(dataset: parts[0], arm: parts[1], finished: runs.count, listed: listed[key] ?? 0,
                       scores: Dictionary(uniqueKeysWithValues: runs.map { ($0.seed, $0.score(lastEvaluations: k)) }),
                       mean: summary.mean, standardDeviation: Self.spread(summary),
                       reference: spec.reference?.scores[parts[0]]?[parts[1]], behaviour: spec.behaviour?[parts[0]],
                       columns: columns, wallMinutes: walls.isEmpty ? nil : walls.reduce(0, +) / Double(walls.count) / 60)
        }
        var comparisons: [Comparison] = []
        for pair in spec.comparisons ?? [] {
            for dataset in Self.unique(rows.map(\.dataset)) {
                guard let a = rows.first(where: { $0.dataset == dataset && $0.arm == pair[0] }),
                      let b = rows.first(where: { $0.dataset == dataset && $0.arm == pair[1] }), a.finished > 0, b.finished > 0 else { continue }
                let test = WelchTest(a.scores.sorted { $0.key < $1.key }.map(\.value), b.scores.sorted { $0.key < $1.key }.map(\.value))
                comparisons.append(Comparison(dataset: dataset, first: pair[0], second: pair[1], difference: a.mean - b.mean,
                                              t: test?.t, degreesOfFreedom: test?.degreesOfFreedom, pValue: test?.pValue))
            }
        }
        self.comparisons = comparisons
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    // MARK: Formats

    /// The table as Markdown (what `results.md` holds).
    public var markdown: String {
        let extra = (spec.columns ?? []).map(\.name)
        var header = ["dataset" + (spec.datasetNote.map { " (\($0))" } ?? ""), "arm", "seeds",
                      "normalized score, mean ± std (last \(spec.lastEvaluations) evaluations)", "per seed"]
        if spec.reference != nil { header.append("published") }
        if spec.behaviour != nil { header.append("behaviour data") }
        header += extra + ["wall time per run"]
        var lines = ["# \(spec.title)", "",
                     "<!-- Written by `orl results`; do not edit by hand. -->", "",
                     "| " + header.joined(separator: " | ") + " |",
                     "|" + String(repeating: " --- |", count: header.count)]
        for row in rows {
            var cells = [row.dataset, row.arm, "\(row.finished)/\(row.listed)",
                         row.finished == 0 ? "none finished" : Self.plusMinus(row.mean, row.standardDeviation),
                         row.scores.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.number($0.value))" }.joined(separator: ", ")]
            if spec.reference != nil { cells.append(row.reference.map(Self.number) ?? "") }
            if spec.behaviour != nil { cells.append(row.behaviour.map(Self.number) ?? "") }
            cells += extra.map { name in row.columns[name].flatMap { $0[0].isNaN ? nil : Self.plusMinus($0[0], $0[1], digits: 2) } ?? "" }
            cells.append(row.wallMinutes.map { String(format: "%.0f min", $0) } ?? "")
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        if let reference = spec.reference { lines += ["", "Published numbers: \(reference.source)."] }
        if !comparisons.isEmpty {
            lines += ["", "Welch's t between arms (first minus second; two-sided p):", "",
                      "| dataset | arms | difference | t | df | p |", "| --- | --- | --- | --- | --- | --- |"]
            for c in comparisons {
                lines.append("| \(c.dataset) | \(c.first) − \(c.second) | \(Self.number(c.difference)) | "
                             + [c.t, c.degreesOfFreedom, c.pValue].map { $0.map { String(format: "%.2f", $0) } ?? "n/a" }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows as CSV.
    public var csv: String {
        let extra = (spec.columns ?? []).map(\.name)
        var lines = [(["dataset", "arm", "finished", "listed", "mean", "std", "per_seed", "published", "behaviour"]
                      + extra.flatMap { ["\($0) mean", "\($0) std"] } + ["wall_minutes"]).map(Self.csvCell).joined(separator: ",")]
        for row in rows {
            let perSeed = row.scores.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
            var cells = [row.dataset, row.arm, "\(row.finished)", "\(row.listed)", Self.raw(row.mean), Self.raw(row.standardDeviation),
                         perSeed, row.reference.map(Self.raw) ?? "", row.behaviour.map(Self.raw) ?? ""]
            cells += extra.flatMap { name in (row.columns[name] ?? [.nan, .nan]).map(Self.raw) }
            cells.append(row.wallMinutes.map(Self.raw) ?? "")
            lines.append(cells.map(Self.csvCell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as JSON (spec, rows, comparisons).
    public func json() throws -> Data {
        struct Document: Encodable {
            var spec: ExperimentSpec, rows: [Row], comparisons: [Comparison]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(Document(spec: spec, rows: rows, comparisons: comparisons))
    }

    /// Every finished run's learning curve as CSV (`dataset,arm,seed,step,normalized_score` and the
    /// spec's further columns), what `Experiments/plot_curves.py` draws.
    public var curvesCSV: String {
        let extra = (spec.columns ?? []).map(\.progress)
        var lines = [(["dataset", "arm", "seed", "step", "normalized_score"] + extra).joined(separator: ",")]
        for record in records where spec.arms?.contains(record.arm) ?? true {
            for row in record.rows {
                guard let step = row["step"], let score = row["normalized_score"] else { continue }
                let cells = ["\(record.dataset)", record.arm, "\(record.seed)", "\(Int(step))", "\(score)"] + extra.map { row[$0].map { "\($0)" } ?? "" }
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
    /// `mean ± std`, or `mean (one seed)` where the spread is NaN.
    static func plusMinus(_ mean: Double, _ std: Double, digits: Int = 1) -> String {
        std.isNaN ? String(format: "%.\(digits)f (one seed)", mean) : String(format: "%.\(digits)f ± %.\(digits)f", mean, std)
    }
    /// The sample standard deviation, NaN for fewer than two values (`SampleSummary` gives 0 for one).
    static func spread(_ summary: SampleSummary) -> Double { summary.count > 1 ? summary.standardDeviation : .nan }
    static func raw(_ value: Double) -> String { value.isNaN ? "" : "\(value)" }
    static func csvCell(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
