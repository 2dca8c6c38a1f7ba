/// One finding of dataset validation: what is wrong, where, and how serious.
public struct DatasetProblem: Sendable, Equatable, CustomStringConvertible {
    /// How much a problem matters.
    public enum Severity: String, Sendable {
        /// The data cannot be trusted for training (NaN/Inf, contradictory flags).
        case error
        /// Worth knowing (a final episode cut mid-way, as D4RL files have).
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// The key involved (`"observations"`, `"terminals"`).
    public var key: String
    /// The first row involved, when there is one.
    public var row: Int?
    /// What is wrong, in one sentence.
    public var message: String

    /// Creates a finding.
    public init(severity: Severity, key: String, row: Int? = nil, message: String) {
        self.severity = severity
        self.key = key
        self.row = row
        self.message = message
    }

    public var description: String {
        "\(severity.rawValue): '\(key)'\(row.map { " row \($0)" } ?? ""): \(message)"
    }
}

extension OfflineDataset {
    /// Checks the data and returns every problem found (an empty array means clean):
    /// NaN/Inf in any array with its first row, rows flagged both terminal and timeout, and a
    /// final episode with neither flag (normal in D4RL files, reported as a warning).
    public func validate() -> [DatasetProblem] {
        var problems = [DatasetProblem]()
        func scan(_ key: String, _ tensor: Tensor) {
            guard tensor.count > 0 else { return }
            let width = tensor.count / Swift.max(tensor.shape[0], 1)
            if let index = tensor.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
                problems.append(DatasetProblem(severity: .error, key: key, row: index / Swift.max(width, 1),
                                               message: "NaN or infinity (first of the file)"))
            }
        }
        scan("observations", observations)
        scan("actions", actions)
        scan("rewards", rewards)
        if let nextObservations { scan("next_observations", nextObservations) }
        for key in infos.keys.sorted() { scan("infos/" + key, infos[key]!) }
        if let timeouts {
            var both = 0, first: Int? = nil
            for i in 0..<count where terminals[i] && timeouts[i] {
                both += 1
                if first == nil { first = i }
            }
            if both > 0 {
                problems.append(DatasetProblem(severity: .error, key: "timeouts", row: first,
                                               message: "\(both) rows are flagged both terminal and timeout"))
            }
        }
        if count > 0, !terminals[count - 1], !(timeouts?[count - 1] ?? false) {
            problems.append(DatasetProblem(severity: .warning, key: "terminals", row: count - 1,
                                           message: "the last episode ends without a terminal or timeout flag (cut mid-episode)"))
        }
        return problems
    }
}
