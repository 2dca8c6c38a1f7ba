/// "Base-OraclePatch" (Sims et al. 2024, Fig. 4c) on the toy: the critic's
/// Bellman target at an edge-of-reach next state is replaced by the oracle value there, so the
/// states that no rollout expands further stop bootstrapping from untrained values.
///
/// ```
/// y_b = r_b + γ(1 − d_b)·V(s'_b)     if s'_b was made at the last rollout step and is edge-of-reach
/// y_b unchanged                       otherwise
/// V = V*    (.optimal: the closed-form optimal value, EdgeOfReachToy.optimalValue)
/// V = V^π   (.policy: the current deterministic policy's discounted return from s' in the true
///            dynamics, over 500 steps, γ^500 < 0.007)
/// ```
/// The soft entropy term is dropped on patched rows. `.optimal` is the simplest oracle, but it values
/// an edge state as if the policy acted optimally from there, which the actor (never trained at
/// edge states) does not; `.policy` is the value the Bellman target of π should bootstrap.
public final class EdgeOfReachOraclePatch: TargetAdjustment {
    /// Which oracle value is patched in.
    public enum Oracle: String, Codable, Sendable {
        /// V*, the optimal value.
        case optimal
        /// V^π, the current deterministic policy's value (simulated).
        case policy
    }

    /// The task whose oracle values are patched in.
    public let task: EdgeOfReachToy
    /// Which value.
    public let oracle: Oracle
    /// Steps simulated for V^π.
    public let simulationSteps = 500
    /// Rows patched and rows seen so far (the paper reports ~0.4 % patched).
    public private(set) var patchedRows = 0, seenRows = 0

    /// A patch for `task` with `oracle` values.
    public init(task: EdgeOfReachToy, oracle: Oracle = .optimal) {
        self.task = task
        self.oracle = oracle
    }

    /// Replaces the targets of edge-of-reach rows; logs `patched_fraction`.
    public func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                       rng: inout RandomGenerator) {
        let next = batch.nextObservations.scalars, rewards = batch.rewards.scalars, done = batch.terminals.scalars
        let last = Int32(task.rolloutHorizon - 1), gamma = Double(task.discount)
        var rows = [Int]()
        for b in 0..<batch.batchSize where batch.rolloutSteps[b] == last && task.isEdgeOfReach(next[2 * b], next[2 * b + 1]) {
            rows.append(b)
        }
        let values = oracle == .optimal ? rows.map { task.optimalValue(next[2 * $0], next[2 * $0 + 1]) }
                                        : policyValues(agent: agent, states: rows.flatMap { [next[2 * $0], next[2 * $0 + 1]] })
        let patched = rows.count
        targets.withUnsafeMutableBufferPointer { y in
            for (b, v) in zip(rows, values) { y[b] = Float(Double(rewards[b]) + gamma * Double(1 - done[b]) * v) }
        }
        patchedRows += patched
        seenRows += batch.batchSize
        metrics["patched_fraction"] = Double(patched) / Double(batch.batchSize)
    }

    /// Σ_{t<500} γᵗ r_t of the deterministic policy from each of `states` (`[x₀, y₀, x₁, …]`), in the true dynamics.
    func policyValues(agent: SACAgent, states: [Float]) -> [Double] {
        let count = states.count / 2
        guard count > 0 else { return [] }
        var s = states, values = [Double](repeating: 0, count: count), weight = 1.0
        var unused = RandomGenerator(seed: 0)
        for _ in 0..<simulationSteps {
            let a = agent.act(Tensor(shape: [count, 2], scalars: s), deterministic: true, rng: &unused).scalars
            for i in 0..<count {
                let n = task.step(s[2 * i], s[2 * i + 1], a[2 * i], a[2 * i + 1])
                s[2 * i] = n.x
                s[2 * i + 1] = n.y
                values[i] += weight * Double(n.reward)
            }
            weight *= Double(task.discount)
        }
        return values
    }
}
