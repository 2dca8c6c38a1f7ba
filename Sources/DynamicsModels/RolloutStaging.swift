/// Preallocated storage for the transitions of one rollout call, appended batch by batch with
/// pointer copies (no per-row allocation), then handed to a ``OfflineData/ReplayBuffer`` at once.
struct RolloutStaging {
    private var observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminals: Tensor
    /// The rollout step each row was made at.
    private var steps: [Int32]
    private(set) var count = 0
    let capacity: Int, observationDimension: Int, actionDimension: Int

    /// Room for `capacity` transitions.
    init(capacity: Int, observationDimension o: Int, actionDimension a: Int) {
        self.capacity = capacity
        observationDimension = o
        actionDimension = a
        observations = Tensor.zeros([capacity, o])
        actions = Tensor.zeros([capacity, a])
        rewards = Tensor.zeros([capacity])
        nextObservations = Tensor.zeros([capacity, o])
        terminals = Tensor.zeros([capacity])
        steps = []
        steps.reserveCapacity(capacity)
    }

    /// Appends every row of a batch made at rollout step `t`.
    mutating func append(_ s: Tensor, _ a: Tensor, _ r: Tensor, _ next: Tensor, _ done: Tensor, t: Int) {
        let rows = r.count
        precondition(count + rows <= capacity, "RolloutStaging: \(count) + \(rows) rows exceed capacity \(capacity)")
        Self.copy(s, into: &observations, at: count)
        Self.copy(a, into: &actions, at: count)
        Self.copy(r, into: &rewards, at: count)
        Self.copy(next, into: &nextObservations, at: count)
        Self.copy(done, into: &terminals, at: count)
        steps.append(contentsOf: repeatElement(Int32(t), count: rows))
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
    func transitions() -> Transitions {
        func head(_ t: Tensor) -> Tensor { count == capacity ? t : t.slice(0..<count, axis: 0) }
        return Transitions(observations: head(observations), actions: head(actions), rewards: head(rewards),
                           nextObservations: head(nextObservations), terminals: head(terminals), rolloutSteps: steps)
    }
}
