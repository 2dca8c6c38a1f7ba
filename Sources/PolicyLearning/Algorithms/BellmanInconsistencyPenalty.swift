/// MOBILE's critic-target rewrite (Sun et al. 2023, §4, the Bellman-inconsistency uncertainty
/// and the penalised Bellman target), line for line OfflineRL-Kit's `MOBILEPolicy.compute_lcb`
/// and `learn` (`offlinerlkit/policy/model_based/mobile.py`):
///
/// ```
/// s'_{n,k} ~ T̂_k(·|s, a),  n = 1…N (10),  k ∈ elites            DynamicsModel.sampleElites
/// a'_{n,k} ~ π(·|s'_{n,k})
/// Q̄_{n,k} = minⱼ Q̄ⱼ(s'_{n,k}, a'_{n,k})                          target critics
/// u(s, a) = std_k( mean_n Q̄_{n,k} )                               unbiased std over elites (torch .std)
/// u = 0 on real rows
/// y = clamp( (r − β·u) + γ(1 − d)·minⱼ Q̄ⱼ(s', a'), min: 0 ),   a' ~ π(·|s')
/// ```
/// With a single elite (``TrueDynamics``, a one-member model) u is 0 and nothing is sampled.
/// With ``MOBILEConfiguration/deterministicBackup`` (Kit's D4RL setting) the target has no
/// entropy term and is recomputed here; otherwise the agent's SAC target (with −α log π) is
/// penalised. The clamp at 0 is Kit's (sound for non-negative rewards, as in the MuJoCo tasks).
///
/// Install it with `agent.targetAdjustment = BellmanInconsistencyPenalty(model:configuration:)`;
/// the ``OfflineTrainer`` sets ``realRowCount`` before every update.
public final class BellmanInconsistencyPenalty: TargetAdjustment, MixedBatchAware {
    /// The dynamics model whose elites are sampled.
    public let model: any DynamicsModel
    /// β, N and the backup.
    public let configuration: MOBILEConfiguration
    /// Leading real rows of the next batch (penalty 0 there).
    public var realRowCount = 0

    /// Creates the adjustment.
    public init(model: any DynamicsModel, configuration: MOBILEConfiguration) {
        precondition(configuration.samples >= 1, "BellmanInconsistencyPenalty: samples must be positive, got \(configuration.samples)")
        self.model = model
        self.configuration = configuration
    }

    /// With the deterministic backup the targets are recomputed here, so SAC's soft targets are not needed.
    public var replacesTargets: Bool { configuration.deterministicBackup }

    public func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                       rng: inout RandomGenerator) {
        let b = batch.batchSize, real = Swift.min(Swift.max(realRowCount, 0), b)
        var u = Tensor.zeros([b])                                                       // [B]
        if real < b {
            let modelPenalty = penalty(observations: batch.observations.slice(real..<b, axis: 0),
                                       actions: batch.actions.slice(real..<b, axis: 0), agent: agent, rng: &rng)
            u = Tensor.concatenate([Tensor.zeros([real]), modelPenalty])
            metrics["mobile_penalty"] = Double(modelPenalty.mean())
        }
        if configuration.deterministicBackup { targets = Self.deterministicTargets(batch, agent: agent, rng: &rng) }
        targets.addScaled(u, alpha: -configuration.penaltyCoefficient)
        targets = targets.clamped(min: 0, max: .infinity)
    }

    /// u(s, a) for every row of `[B, obs]` observations and `[B, act]` actions, `[B]`.
    /// With one elite (the true dynamics, a single model) the spread is 0 by definition, so the
    /// N·B sampled next states are not evaluated and nothing is drawn from `rng`.
    public func penalty(observations: Tensor, actions: Tensor, agent: SACAgent, rng: inout RandomGenerator) -> Tensor {
        let b = observations.shape[0], o = observations.shape[1]
        guard model.eliteCount > 1 else { return Tensor.zeros([b]) }
        let candidates = model.sampleElites(observations, actions, samples: configuration.samples, rng: &rng)
        let n = candidates.nextObservations.shape[0], k = candidates.nextObservations.shape[1]
        let next = candidates.nextObservations.reshaped([n * k * b, o])                // [N·K·B, obs]
        let nextActions = agent.actor.sampleWithLogProb(next, rng: &rng).action         // [N·K·B, act]
        let q = agent.targetCritics(Variable(next), Variable(nextActions)).value.min(axis: 0)   // [N·K·B]
        return Self.penalty(minimumTargetValues: q.reshaped([n, k, b]))
    }

    /// `std_k(mean_n q[n, k, b])` for `[N, K, B]` values, with Bessel's correction (torch's
    /// default); 0 when there is one elite. Returns `[B]`.
    public static func penalty(minimumTargetValues q: Tensor) -> Tensor {
        precondition(q.rank == 3, "BellmanInconsistencyPenalty: values must be [N, K, B], got \(q.shape)")
        let k = q.shape[1], b = q.shape[2]
        guard k > 1 else { return Tensor.zeros([b]) }
        let perElite = q.mean(axis: 0)                                                  // [K, B]
        let centred = perElite - perElite.mean(axis: 0, keepDims: true)
        return (centred.square().sum(axis: 0) / Float(k - 1)).sqrt()                   // [B]
    }

    /// `r + γ(1 − d)·minⱼ Q̄ⱼ(s', a')`, a' ~ π(·|s'), without the entropy term.
    static func deterministicTargets(_ batch: TransitionBatch, agent: SACAgent, rng: inout RandomGenerator) -> Tensor {
        let nextActions = agent.actor.sampleWithLogProb(batch.nextObservations, rng: &rng).action
        let nextQ = agent.targetCritics(Variable(batch.nextObservations), Variable(nextActions)).value.min(axis: 0)
        return batch.rewards + agent.configuration.discount * (1 - batch.terminals) * nextQ
    }
}
