/// One finding of dataset validation: what is wrong, where, and how serious.
public struct DatasetProblem: Sendable, Equatable, CustomStringConvertible {
    /// How much a problem matters.
    public enum Severity: String, Sendable {
        /// The data cannot be trusted for training (no rows, NaN/Inf or extreme values, flags
        /// other than 0/1, contradictory flags, actions outside the action space).
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

    /// The message of a NaN/Inf finding (loaders turn it into ``OfflineDataError/nonFinite(file:key:row:)``).
    static let nonFiniteMessage = "NaN or infinity (first of the file)"
}

extension OfflineDataset {
    /// The largest magnitude a stored value may have: its square, summed over a batch, stays
    /// finite in Float32 (about 3.4e38). Larger values are error-level problems.
    public static let largestUsableMagnitude: Float = 1e15

    /// How far beyond the action bound an action may lie before it is an error (rounding of
    /// stored float32/float64 actions clipped to the bound).
    public static let actionBoundTolerance: Float = 1e-3

    /// Checks the data and returns every problem found (an empty array means clean).
    ///
    /// Error-level: no rows; NaN/Inf or a magnitude above ``largestUsableMagnitude`` in any
    /// array (first row); flags other than 0/1 found by the loader (``loadProblems``); rows
    /// flagged both terminal and timeout; with `actionBound`, an action whose magnitude exceeds
    /// `actionBound + ` ``actionBoundTolerance``. Warning: a final episode with neither flag
    /// (normal in D4RL files).
    ///
    /// - Parameter actionBound: The action space's bound `b` (actions in `[-b, b]`; 1 for the
    ///   MuJoCo tasks), or nil when the action space is not known.
    public func validate(actionBound: Float? = nil) -> [DatasetProblem] {
        var problems = [DatasetProblem]()
        if count == 0 {
            problems.append(DatasetProblem(severity: .error, key: "rewards", message: "the dataset has no rows"))
        }
        func scan(_ key: String, _ tensor: Tensor) {
            guard tensor.count > 0 else { return }
            let width = tensor.count / Swift.max(tensor.shape[0], 1)
            let limit = Self.largestUsableMagnitude
            guard let index = tensor.withUnsafeBufferPointer({ $0.firstIndex { !(Swift.abs($0) <= limit) } }) else { return }
            let row = index / Swift.max(width, 1)
            let value = tensor.withUnsafeBufferPointer { $0[index] }
            if value.isFinite {
                problems.append(DatasetProblem(severity: .error, key: key, row: row,
                                               message: "\(key) row \(row) holds \(value), beyond the largest usable magnitude \(limit) (its square overflows float32)"))
            } else {
                problems.append(DatasetProblem(severity: .error, key: key, row: row, message: DatasetProblem.nonFiniteMessage))
            }
        }
        scan("observations", observations)
        scan("actions", actions)
        scan("rewards", rewards)
        if let nextObservations { scan("next_observations", nextObservations) }
        for key in infos.keys.sorted() { scan("infos/" + key, infos[key]!) }
        problems += loadProblems
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
        if let actionBound { problems += actionProblems(bound: actionBound) }
        if count > 0, !terminals[count - 1], !(timeouts?[count - 1] ?? false) {
            problems.append(DatasetProblem(severity: .warning, key: "terminals", row: count - 1,
                                           message: "the last episode ends without a terminal or timeout flag (cut mid-episode)"))
        }
        return problems
    }

    /// The first action outside `[-bound, bound]` (beyond the tolerance), with the number of such rows.
    private func actionProblems(bound: Float) -> [DatasetProblem] {
        let limit = bound + Self.actionBoundTolerance
        let width = Swift.max(actionDimension, 1)
        var rows = 0, first: (row: Int, value: Float)? = nil, lastRow = -1
        actions.withUnsafeBufferPointer { values in
            for (index, value) in values.enumerated() where Swift.abs(value) > limit {
                let row = index / width
                if row != lastRow { rows += 1; lastRow = row }
                if first == nil { first = (row, value) }
            }
        }
        guard let first else { return [] }
        return [DatasetProblem(severity: .error, key: "actions", row: first.row,
                               message: "\(rows) rows hold actions outside the action space [-\(bound), \(bound)] (first: \(first.value))")]
    }

    /// The first error-level problem as a typed error: NaN/Inf as ``OfflineDataError/nonFinite(file:key:row:)``,
    /// everything else as ``OfflineDataError/invalidData(file:problem:)``.
    func firstError(actionBound: Float?) -> OfflineDataError? {
        guard let problem = validate(actionBound: actionBound).first(where: { $0.severity == .error }) else { return nil }
        if problem.message == DatasetProblem.nonFiniteMessage {
            return .nonFinite(file: source, key: problem.key, row: problem.row ?? 0)
        }
        return .invalidData(file: source, problem: problem)
    }
}
