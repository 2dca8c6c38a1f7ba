import Foundation

/// What an experiment's table is (`Experiments/NAME/experiment.json`), read by `orl results`:
/// how a run is scored, which arms are compared, and the published numbers printed beside ours.
///
/// ```json
/// {"title": "MOPO and MOBILE, short preset", "lastEvaluations": 3,
///  "datasetNote": "generated here, not D4RL's",
///  "comparisons": [["mopo", "mobile"]],
///  "behaviour": {"hopper-medium-orl": 36.2},
///  "reference": {"source": "Sun et al., ICML 2023, Table 1", "scores": {"hopper-medium-v2": {"mobile": 106.6}}},
///  "columns": [{"name": "Q / approx Q*", "progress": "q_over_approx_q_star"}]}
/// ```
///
/// The arms and datasets come from the run list: a line's `--out` is `.../DATASET/ARM-seedS`.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    /// The table's heading.
    public var title: String
    /// A run's score is the mean D4RL-normalized score of its last K evaluations.
    public var lastEvaluations: Int
    /// Said after "dataset" in the table's header (e.g. that the data was generated here).
    public var datasetNote: String?
    /// Pairs of arms compared on every dataset both ran on (Welch's t).
    public var comparisons: [[String]]?
    /// The behaviour data's own normalized score per dataset (a column when given).
    public var behaviour: [String: Double]?
    /// Published numbers printed beside ours.
    public var reference: Reference?
    /// Further columns: a progress-log column summarised per run (its mean over the last K
    /// evaluations), then mean ± std over seeds.
    public var columns: [Column]?
    /// Other experiments' run lists (paths from the repository root) whose runs this table also
    /// shows, e.g. a baseline run once for several tables.
    public var alsoLists: [String]?
    /// Only these arms, in this order (every arm when `nil`).
    public var arms: [String]?

    /// Published scores and where they come from.
    public struct Reference: Codable, Sendable, Equatable {
        /// Authors, venue, table.
        public var source: String
        /// dataset → arm → score.
        public var scores: [String: [String: Double]]

        /// A reference.
        public init(source: String, scores: [String: [String: Double]]) {
            self.source = source
            self.scores = scores
        }
    }

    /// A summarised progress-log column.
    public struct Column: Codable, Sendable, Equatable {
        /// The table's column heading.
        public var name: String
        /// The `progress.csv` column.
        public var progress: String

        /// A column.
        public init(name: String, progress: String) {
            self.name = name
            self.progress = progress
        }
    }

    /// Reads `path`.
    /// - Throws: ``ExperimentSpecError``.
    public init(path: String) throws(ExperimentSpecError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        do {
            self = try JSONDecoder().decode(ExperimentSpec.self, from: data)
        } catch {
            throw .invalid(path: path, problem: "\(error)")
        }
        guard lastEvaluations > 0 else { throw .invalid(path: path, problem: "lastEvaluations must be positive") }
        if let bad = comparisons?.first(where: { $0.count != 2 }) {
            throw .invalid(path: path, problem: "a comparison names two arms, found \(bad)")
        }
    }

    /// A spec made in code.
    public init(title: String, lastEvaluations: Int, datasetNote: String? = nil, comparisons: [[String]]? = nil,
                behaviour: [String: Double]? = nil, reference: Reference? = nil, columns: [Column]? = nil,
                alsoLists: [String]? = nil, arms: [String]? = nil) {
        self.title = title
        self.lastEvaluations = lastEvaluations
        self.datasetNote = datasetNote
        self.comparisons = comparisons
        self.behaviour = behaviour
        self.reference = reference
        self.columns = columns
        self.alsoLists = alsoLists
        self.arms = arms
    }
}

/// An experiment file that cannot be used.
public enum ExperimentSpecError: Error, CustomStringConvertible, Equatable {
    /// Missing or unreadable.
    case unreadable(path: String)
    /// Not the expected JSON.
    case invalid(path: String, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot read the experiment file \(path)"
        case let .invalid(path, problem): return "\(path): \(problem)"
        }
    }
}
