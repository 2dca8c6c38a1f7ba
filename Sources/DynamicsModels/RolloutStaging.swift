/// Preallocated storage for the transitions of one rollout call, appended batch by batch with
/// pointer copies (no per-row allocation), then handed to a ``OfflineData/ReplayBuffer`` at once.
struct RolloutStaging {
    private var observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminals: Tensor
    private(set) var count = 0
    let capacity: Int, observationDimension: Int, actionDimension: Int

    /// Room for `capacity` transitions (plus one spare row, see ``transitions()``).
    init(capacity: Int, observationDimension o: Int, actionDimension a: Int) {
        self.capacity = capacity
        observationDimension = o
        actionDimension = a
        observations = Tensor.zeros([capacity + 1, o])
        actions = Tensor.zeros([capacity + 1, a])
        rewards = Tensor.zeros([capacity + 1])
        nextObservations = Tensor.zeros([capacity + 1, o])
        terminals = Tensor.zeros([capacity + 1])
    }

    /// Appends every row of a batch.
    mutating func append(_ s: Tensor, _ a: Tensor, _ r: Tensor, _ next: Tensor, _ done: Tensor) {
        let rows = r.count
        precondition(count + rows <= capacity, "RolloutStaging: \(count) + \(rows) rows exceed capacity \(capacity)")
        Self.copy(s, into: &observations, at: count)
        Self.copy(a, into: &actions, at: count)
        Self.copy(r, into: &rewards, at: count)
        Self.copy(next, into: &nextObservations, at: count)
        Self.copy(done, into: &terminals, at: count)
        count += rows
    }

    private static func copy(_ source: Tensor, into target: inout Tensor, at row: Int) {
        let width = target.rank == 1 ? 1 : target.shape[1]
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                (t.baseAddress! + row * width).update(from: s.baseAddress!, count: s.count)
            }
        }
    }

    /// The staged rows as ``OfflineData/Transitions``.
    ///
    /// OfflineData offers no public initializer for `Transitions`, so they are built through the
    /// public dataset view: a dataset of the rows plus one spare row (the view never emits the last
    /// row), no timeouts, `terminateOnEnd`, whose `dynamicsTransitions` keeps every staged row with
    /// its stored next observation and terminal flag.
    func transitions() -> Transitions {
        let rows = count + 1
        func head(_ t: Tensor) -> Tensor { rows == capacity + 1 ? t : t.slice(0..<rows, axis: 0) }
        let flags = terminals.withUnsafeBufferPointer { p in (0..<rows).map { p[$0] != 0 } }
        let dataset: OfflineDataset
        do {
            dataset = try OfflineDataset(source: "model rollout", observations: head(observations), actions: head(actions),
                                         rewards: head(rewards), terminals: flags, nextObservations: head(nextObservations))
        } catch {
            preconditionFailure("RolloutStaging: equal-length staging arrays were rejected: \(error)")
        }
        let result = dataset.dynamicsTransitions(terminateOnEnd: true, maxEpisodeSteps: Int.max)
        precondition(result.count == count, "RolloutStaging: \(result.count) transitions from \(count) staged rows")
        return result
    }
}
