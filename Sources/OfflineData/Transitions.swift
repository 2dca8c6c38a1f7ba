/// A flat set of `(s, a, r, s', done)` transitions, each field a tensor with one row per transition.
public struct Transitions: Sendable {
    /// `s`, `[M, obs]`.
    public var observations: Tensor
    /// `a`, `[M, act]`.
    public var actions: Tensor
    /// `r`, `[M]`.
    public var rewards: Tensor
    /// `s'`, `[M, obs]`.
    public var nextObservations: Tensor
    /// `done` as 0 or 1, `[M]`.
    public var terminals: Tensor
    /// For each transition, the row of the source dataset it came from.
    public var sourceRows: [Int]
    /// For model rollouts, the rollout step each transition was made at; `nil` for real data.
    public var rolloutSteps: [Int32]?

    /// The number of transitions.
    public var count: Int { rewards.count }

    /// Transitions from their fields (model rollouts, online collection); rows must agree.
    ///
    /// - Parameters:
    ///   - observations: `[M, obs]`.
    ///   - actions: `[M, act]`.
    ///   - rewards: `[M]`.
    ///   - nextObservations: `[M, obs]`.
    ///   - terminals: `[M]`, 0 or 1.
    ///   - sourceRows: the origin of each row, if any (default `0..<M`).
    ///   - rolloutSteps: for model rollouts, the step each row was made at.
    public init(observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminals: Tensor,
                sourceRows: [Int]? = nil, rolloutSteps: [Int32]? = nil) {
        let m = rewards.count
        precondition(observations.rank == 2 && actions.rank == 2 && nextObservations.shape == observations.shape
                         && observations.shape[0] == m && actions.shape[0] == m && terminals.count == m,
                     "Transitions: shapes \(observations.shape), \(actions.shape), \(rewards.shape), \(nextObservations.shape), \(terminals.shape) disagree")
        self.observations = observations
        self.actions = actions
        self.rewards = rewards.reshaped([m])
        self.nextObservations = nextObservations
        self.terminals = terminals.reshaped([m])
        self.sourceRows = sourceRows ?? Array(0..<m)
        precondition(rolloutSteps.map { $0.count == m } ?? true, "Transitions: \(rolloutSteps?.count ?? 0) rollout steps for \(m) rows")
        self.rolloutSteps = rolloutSteps
    }

    /// Gathers `rows` of `dataset` with next states from `nextRows` of `nextSource`.
    init(dataset: OfflineDataset, rows: [Int], nextSource: Tensor, nextRows: [Int]) {
        let m = rows.count, o = dataset.observationDimension, a = dataset.actionDimension
        observations = Transitions.gather(dataset.observations, rows: rows, width: o)
        actions = Transitions.gather(dataset.actions, rows: rows, width: a)
        nextObservations = Transitions.gather(nextSource, rows: nextRows, width: o)
        rewards = Transitions.gather(dataset.rewards, rows: rows, width: 1).reshaped([m])
        terminals = Tensor(shape: [m]) { out in
            for (j, i) in rows.enumerated() { out[j] = dataset.terminals[i] ? 1 : 0 }
        }
        sourceRows = rows
    }

    /// Copies whole rows of a row-major tensor.
    static func gather(_ source: Tensor, rows: [Int], width: Int) -> Tensor {
        Tensor(shape: [rows.count, width]) { out in
            source.withUnsafeBufferPointer { src in
                for (j, i) in rows.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + j * width)
                        .copyMemory(from: src.baseAddress! + i * width, byteCount: width * MemoryLayout<Float>.stride)
                }
            }
        }
    }
}

extension OfflineDataset {
    /// The transitions `d4rl.qlearning_dataset` returns, row for row.
    ///
    /// ```
    /// for i in 0 ..< N-1:                       # the file's last row is never emitted
    ///     final = timeouts[i]  (or episode_step == maxEpisodeSteps-1 without a timeouts key)
    ///     if final and not terminateOnEnd: episode_step = 0; skip   # timeout rows dropped
    ///     if terminals[i] or final: episode_step = 0
    ///     emit (s_i, a_i, r_i, s' = observations[i+1], done = terminals[i]); episode_step += 1
    /// ```
    /// At a terminal row `s'` is the next episode's first observation, as in d4rl: harmless for
    /// Q-learning (done masks it) but wrong for dynamics; use ``dynamicsTransitions(terminateOnEnd:maxEpisodeSteps:)`` there.
    ///
    /// A dataset with the ``OfflineDataset/Layout/episodes`` layout (Minari) returns every row
    /// instead, with `s'` the episode's own next observation and `done = terminations[i]`:
    /// truncated rows are kept, since their successor is known (the parameters are unused).
    ///
    /// - Parameters:
    ///   - terminateOnEnd: Keep timeout rows (d4rl's `terminate_on_end`), default false.
    ///   - maxEpisodeSteps: Episode length used only when the file has no `timeouts` (1000).
    /// - Returns: The transitions, with `sourceRows` naming each one's row.
    public func qlearningTransitions(terminateOnEnd: Bool = false, maxEpisodeSteps: Int = 1000) -> Transitions {
        if let episodeView = episodeTransitions() { return episodeView }
        let rows = qlearningRows(terminateOnEnd: terminateOnEnd, maxEpisodeSteps: maxEpisodeSteps, skipTerminals: false)
        return Transitions(dataset: self, rows: rows, nextSource: observations, nextRows: rows.map { $0 + 1 })
    }

    /// The dynamics-learning view (OfflineRL-Kit's `qlearning_dataset`): the same rows as
    /// ``qlearningTransitions(terminateOnEnd:maxEpisodeSteps:)`` but `s'` is the stored
    /// `next_observations[i]`, the true successor even at terminal rows. Without that key, `s'`
    /// is `observations[i+1]` and terminal rows are dropped, since their successor is unknown.
    /// For the ``OfflineDataset/Layout/episodes`` layout it equals the q-learning view (every row, stored `s'`).
    ///
    /// - Parameters:
    ///   - terminateOnEnd: Keep timeout rows, default false.
    ///   - maxEpisodeSteps: Episode length used only when the file has no `timeouts` (1000).
    /// - Returns: The transitions.
    public func dynamicsTransitions(terminateOnEnd: Bool = false, maxEpisodeSteps: Int = 1000) -> Transitions {
        if let episodeView = episodeTransitions() { return episodeView }
        if let nextObservations {
            let rows = qlearningRows(terminateOnEnd: terminateOnEnd, maxEpisodeSteps: maxEpisodeSteps, skipTerminals: false)
            return Transitions(dataset: self, rows: rows, nextSource: nextObservations, nextRows: rows)
        }
        let rows = qlearningRows(terminateOnEnd: terminateOnEnd, maxEpisodeSteps: maxEpisodeSteps, skipTerminals: true)
        return Transitions(dataset: self, rows: rows, nextSource: observations, nextRows: rows.map { $0 + 1 })
    }

    /// Every row with its stored successor, for the ``OfflineDataset/Layout/episodes`` layout; nil otherwise.
    func episodeTransitions() -> Transitions? {
        guard layout == .episodes, let nextObservations else { return nil }
        let rows = Array(0..<count)
        return Transitions(dataset: self, rows: rows, nextSource: nextObservations, nextRows: rows)
    }

    /// d4rl's row selection; `skipTerminals` adds OfflineRL-Kit's rule for files without `next_observations`.
    func qlearningRows(terminateOnEnd: Bool, maxEpisodeSteps: Int, skipTerminals: Bool) -> [Int] {
        var rows = [Int]()
        rows.reserveCapacity(Swift.max(count - 1, 0))
        var episodeStep = 0
        for i in 0..<Swift.max(count - 1, 0) {
            let done = terminals[i]
            let final = timeouts.map { $0[i] } ?? (episodeStep == maxEpisodeSteps - 1)
            if !terminateOnEnd && final {
                episodeStep = 0
                continue
            }
            if done || final {
                episodeStep = 0
                if skipTerminals { continue }
            }
            rows.append(i)
            episodeStep += 1
        }
        return rows
    }
}
