/// The real simulator as a ``DynamicsModel``: each row's simulator state is rebuilt from its
/// observation (root x = 0, which does not affect the dynamics) and stepped once, giving the true
/// next observation, reward and `terminated` flag. An oracle for RAVL's edge-of-reach experiment
/// (Sims et al., NeurIPS 2024, Fig. 1: model-based offline RL with the true dynamics still fails).
///
/// ```
/// for each row b:  setState(fromObservation: s_b, x: 0);  (s'_b, r_b, done_b) = env.step(a_b)
/// member means = [s', r] with one member, standard deviations = 0
/// ```
/// Deterministic: no random numbers are drawn. Rows run one after another on one simulator.
///
/// ```swift
/// let oracle = try TrueDynamics(named: "hopper")
/// let step = oracle.step(observations, actions, rng: &rng)
/// ```
public final class TrueDynamics: DynamicsModel {
    /// The simulator stepped for every row.
    public let environment: any MuJoCoEnvironment
    public let observationDimension: Int
    public let actionDimension: Int
    public var eliteCount: Int { 1 }
    private var observationRow: [Float], actionRow: [Float], nextRow: [Float]

    /// Wraps an environment (its state is overwritten by every step).
    public init(environment: any MuJoCoEnvironment) {
        self.environment = environment
        observationDimension = environment.observationSpec.dimension
        actionDimension = environment.actionSpec.dimension
        observationRow = [Float](repeating: 0, count: observationDimension)
        actionRow = [Float](repeating: 0, count: actionDimension)
        nextRow = observationRow
    }

    /// The oracle for a task name (`halfcheetah`, `hopper`, `walker2d`, or a D4RL dataset name).
    /// - Throws: the environment's error when the task is unknown or its model cannot be loaded.
    public convenience init(named name: String) throws {
        self.init(environment: try makeMuJoCoEnvironment(named: name))
    }

    public func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool,
                     rng: inout RandomGenerator) -> ModelStep {
        let o = observationDimension, a = actionDimension
        precondition(observations.rank == 2 && observations.shape[1] == o && actions.rank == 2 && actions.shape[1] == a
                     && actions.shape[0] == observations.shape[0],
                     "TrueDynamics: observations \(observations.shape) and actions \(actions.shape), expected [B, \(o)] and [B, \(a)]")
        let rows = observations.shape[0]
        var next = Tensor(uninitializedShape: [rows, o]), rewards = Tensor(uninitializedShape: [rows])
        var terminals = Tensor(uninitializedShape: [rows])
        observations.withUnsafeBufferPointer { s in
            actions.withUnsafeBufferPointer { u in
                next.withUnsafeMutableBufferPointer { n in
                    rewards.withUnsafeMutableBufferPointer { r in
                        terminals.withUnsafeMutableBufferPointer { t in
                            for b in 0..<rows {
                                for j in 0..<o { observationRow[j] = s[b * o + j] }
                                for j in 0..<a { actionRow[j] = u[b * a + j] }
                                environment.setState(fromObservation: observationRow, x: 0)
                                let outcome = environment.step(actionRow, into: &nextRow)
                                for j in 0..<o { n[b * o + j] = nextRow[j] }
                                r[b] = Float(outcome.reward)
                                t[b] = outcome.terminated ? 1 : 0
                            }
                        }
                    }
                }
            }
        }
        guard memberStatistics else { return ModelStep(nextObservations: next, rewards: rewards, terminals: terminals) }
        let means = Tensor.concatenate([next, rewards.reshaped([rows, 1])], axis: 1).reshaped([1, rows, o + 1])
        return ModelStep(nextObservations: next, rewards: rewards, terminals: terminals, memberMeans: means,
                         memberStandardDeviations: Tensor.zeros([1, rows, o + 1]))
    }

    /// The true transition repeated: `[samples, 1, B, obs]` and `[samples, 1, B]`.
    public func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int,
                             rng: inout RandomGenerator) -> EliteSamples {
        precondition(samples > 0, "sampleElites: samples must be positive, got \(samples)")
        let step = self.step(observations, actions, memberStatistics: false, rng: &rng)
        let rows = step.count, o = observationDimension
        let next = Tensor.concatenate(Array(repeating: step.nextObservations, count: samples), axis: 0)
        let rewards = Tensor.concatenate(Array(repeating: step.rewards, count: samples), axis: 0)
        return EliteSamples(nextObservations: next.reshaped([samples, 1, rows, o]), rewards: rewards.reshaped([samples, 1, rows]))
    }
}
