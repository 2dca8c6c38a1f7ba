/// "Base-OraclePatch" (Sims et al. 2024, Fig. 4c; research/ravl.md §3.2) on the toy: the critic's
/// Bellman target at an edge-of-reach next state is replaced by the oracle value there, so the
/// states that no rollout expands further stop bootstrapping from untrained values.
///
/// ```
/// y_b = r_b + γ(1 − d_b)·V*(s'_b)    if s'_b was made at the last rollout step and ‖s'_b‖∞ > 0.1(k − 1)
/// y_b unchanged                       otherwise
/// ```
/// V* is the toy's closed-form optimal value (``EdgeOfReachToy/optimalValue(_:_:)``); the soft
/// entropy term is dropped on patched rows (V* is the unregularised optimum, a valid bound).
public final class EdgeOfReachOraclePatch: TargetAdjustment {
    /// The task whose oracle values are patched in.
    public let task: EdgeOfReachToy
    /// Rows patched and rows seen so far (the paper reports ~0.4 % patched).
    public private(set) var patchedRows = 0, seenRows = 0

    /// A patch for `task`.
    public init(task: EdgeOfReachToy) { self.task = task }

    /// Replaces the targets of edge-of-reach rows; logs `patched_fraction`.
    public func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                       rng: inout RandomGenerator) {
        let next = batch.nextObservations.scalars, rewards = batch.rewards.scalars, done = batch.terminals.scalars
        let last = Int32(task.rolloutHorizon - 1), gamma = Double(task.discount)
        var patched = 0
        targets.withUnsafeMutableBufferPointer { y in
            for b in 0..<batch.batchSize where batch.rolloutSteps[b] == last && task.isEdgeOfReach(next[2 * b], next[2 * b + 1]) {
                y[b] = Float(Double(rewards[b]) + gamma * Double(1 - done[b]) * task.optimalValue(next[2 * b], next[2 * b + 1]))
                patched += 1
            }
        }
        patchedRows += patched
        seenRows += batch.batchSize
        metrics["patched_fraction"] = Double(patched) / Double(batch.batchSize)
    }
}
