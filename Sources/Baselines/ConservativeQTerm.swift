import Foundation

/// Which rows of a mixed batch (real rows first) a term uses.
public enum BatchRows: String, Codable, Sendable, CaseIterable {
    /// Every row.
    case all
    /// The leading real rows.
    case real
    /// The model rows after them.
    case model

    /// The row range in a batch of `batchSize` rows whose first `realRows` are real; every row
    /// when the range would be empty (a batch drawn before any model data exists).
    func range(batchSize: Int, realRows: Int) -> Range<Int> {
        let real = Swift.min(Swift.max(realRows, 0), batchSize)
        let rows: Range<Int>
        switch self {
        case .all: rows = 0..<batchSize
        case .real: rows = 0..<real
        case .model: rows = real..<batchSize
        }
        return rows.isEmpty ? 0..<batchSize : rows
    }
}

/// CQL's conservative critic term (Kumar et al., "Conservative Q-Learning for Offline
/// Reinforcement Learning", NeurIPS 2020, eq. (4), the CQL(H) variant), added to every critic's
/// loss; with model states pushed down and real ones pushed up it is COMBO's (Yu et al., NeurIPS
/// 2021, eq. (2)).
///
/// ```
/// term = w · Σᵢ ( mean_{s∈down} T·log Σ_k exp((Qᵢ(s, a_k) − log μ(a_k|s)) / T)  −  mean_{(s,a)∈up} Qᵢ(s, a) )
/// ```
/// The log ∫ exp Q da of eq. (4) is estimated by importance sampling with R actions from each of
/// three proposals per state, as the official code (`aviralkumar2907/CQL`, `cql.py`) and
/// OfflineRL-Kit (`offlinerlkit/policy/model_free/cql.py`) do: a ~ π(·|s), a ~ π(·|s') (both
/// with log μ = log π, detached) and a ~ U[−1, 1]^|A| (log μ = −|A|·log 2). The constant log 3R
/// of the estimate does not change the gradient. The proposals' actions are not differentiated.
///
/// One deviation from OfflineRL-Kit: its `value.reshape(...)` results are discarded, so its
/// log-sum-exp runs over the three proposals of each (state, draw) pair rather than over all 3R
/// actions of a state; this term follows the paper and the official code (all 3R per state).
public final class ConservativeQTerm: CriticRegularizer, MixedBatchAware {
    /// The policy the proposals come from.
    public let actor: TanhGaussianActor
    /// w, the term's weight (CQL's α in eq. (4); Kit's `cql_weight`).
    public let weight: Float
    /// T, the log-sum-exp temperature (1 in the paper and Kit).
    public let temperature: Float
    /// R, actions drawn from each proposal per state (10).
    public let sampledActions: Int
    /// The states whose values are pushed down (CQL: all; COMBO: the model rows).
    public let pushDownRows: BatchRows
    /// The data whose values are pushed up (CQL: all; COMBO: the real rows).
    public let pushUpRows: BatchRows
    /// Leading real rows of the next batch (set by the trainer).
    public var realRowCount = 0

    /// Creates the term.
    public init(actor: TanhGaussianActor, weight: Float, temperature: Float = 1, sampledActions: Int = 10,
                pushDownRows: BatchRows = .all, pushUpRows: BatchRows = .all) {
        precondition(weight.isFinite && weight >= 0, "ConservativeQTerm: the weight must be finite and ≥ 0, got \(weight)")
        precondition(temperature.isFinite && temperature > 0, "ConservativeQTerm: the temperature must be positive, got \(temperature)")
        precondition(sampledActions >= 1, "ConservativeQTerm: needs at least one sampled action, got \(sampledActions)")
        self.actor = actor
        self.weight = weight
        self.temperature = temperature
        self.sampledActions = sampledActions
        self.pushDownRows = pushDownRows
        self.pushUpRows = pushUpRows
    }

    /// `w · Σᵢ (push-down − push-up)`; logs `cql_push_down`, `cql_push_up` (critic means) and `cql_gap`.
    public func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                     rng: inout RandomGenerator) -> Variable {
        let b = batch.batchSize
        let down = pushDownRows.range(batchSize: b, realRows: realRowCount)
        let up = pushUpRows.range(batchSize: b, realRows: realRowCount)
        let states = batch.observations.slice(down, axis: 0)
        let (actions, logDensities) = proposals(states: states, nextStates: batch.nextObservations.slice(down, axis: 0), rng: &rng)
        let pushDown = Self.softMaximum(critics: critics, observations: states, candidateActions: actions,
                                        logDensities: logDensities, temperature: temperature)   // [N]
        let pushUp = q.slice(up, axis: 1).mean(axis: 1)                                         // [N]
        let gap = pushDown - pushUp
        metrics["cql_push_down"] = Double(pushDown.value.mean())
        metrics["cql_push_up"] = Double(pushUp.value.mean())
        metrics["cql_gap"] = Double(gap.value.mean())
        return gap.sum() * weight
    }

    /// The 3R candidate actions per state, `[P, 3R, A]`, and their proposal log-densities `[P, 3R]`:
    /// R from π(·|s), R from π(·|s'), R uniform on [−1, 1]^A, drawn in that order.
    public func proposals(states: Tensor, nextStates: Tensor, rng: inout RandomGenerator) -> (actions: Tensor, logDensities: Tensor) {
        let p = states.shape[0], r = sampledActions, a = actor.actionDimension
        let repeated = Self.repeatRows(p, times: r)
        let (current, currentLogProb) = actor.sampleWithLogProb(states.gather(repeated, axis: 0), rng: &rng)
        let (next, nextLogProb) = actor.sampleWithLogProb(nextStates.gather(repeated, axis: 0), rng: &rng)
        let uniform = Tensor.uniform([p * r, a], low: -1, high: 1, rng: &rng)
        let uniformLogDensity = Tensor(repeating: -Float(a) * Float(Foundation.log(2.0)), shape: [p, r])
        let actions = Tensor.concatenate([current.reshaped([p, r, a]), next.reshaped([p, r, a]), uniform.reshaped([p, r, a])], axis: 1)
        let logDensities = Tensor.concatenate([currentLogProb.reshaped([p, r]), nextLogProb.reshaped([p, r]), uniformLogDensity], axis: 1)
        return (actions, logDensities)
    }

    /// `mean_p T·log Σ_k exp((Qᵢ(s_p, a_pk) − ℓ_pk) / T)` for every critic i, `[N]`: the importance-sampled
    /// soft maximum of eq. (4), differentiable with respect to the critics.
    /// - Parameters:
    ///   - critics: the critic ensemble, N members.
    ///   - observations: `[P, obs]`.
    ///   - candidateActions: `[P, K, A]`.
    ///   - logDensities: ℓ, the log-density of each candidate under its proposal, `[P, K]`.
    ///   - temperature: T.
    public static func softMaximum(critics: CriticEnsemble, observations: Tensor, candidateActions: Tensor,
                                   logDensities: Tensor, temperature: Float) -> Variable {
        let p = observations.shape[0], k = candidateActions.shape[1], a = candidateActions.shape[2]
        precondition(candidateActions.shape[0] == p && logDensities.shape == [p, k],
                     "ConservativeQTerm: \(p) states, candidates \(candidateActions.shape), log-densities \(logDensities.shape)")
        let states = observations.gather(repeatRows(p, times: k), axis: 0)                         // [P·K, obs]
        let q = critics(Variable(states), Variable(candidateActions.reshaped([p * k, a])))          // [N, P·K]
        let z = (q.reshaped([critics.members, p, k]) - Variable(logDensities.reshaped([1, p, k]))) / temperature
        return (z.logSumExp(axis: 2) * temperature).mean(axis: 1)                                   // [N]
    }

    /// 0, 0, …, 1, 1, …: each of `count` rows `times` times in a row.
    static func repeatRows(_ count: Int, times: Int) -> [Int] {
        (0..<count).flatMap { Array(repeating: $0, count: times) }
    }
}
