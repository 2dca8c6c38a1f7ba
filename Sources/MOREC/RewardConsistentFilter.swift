import Foundation

/// How the filter picks one of the candidate transitions (<doc:RewardConsistentDynamics>).
public enum CandidateSelection: Codable, Sendable, Equatable {
    /// The candidate with the highest dynamics reward (official `select_elite`).
    case argmax
    /// A candidate drawn from softmax(r / temperature) (official `softmax_elite`, temperature 0.1).
    case softmax(temperature: Float)
}

/// MOREC's transition filter (official `offlinerlkit/dynamics/ensemble_dynamics.py`
/// `EnsembleDynamics.step` with
/// `reward_use_type ∈ {select_elite, softmax_elite}`): every row gets candidate next states from
/// the elite members, the dynamics reward scores them, one is kept, and a kept transition whose
/// reward is under the threshold is stored as terminal (its rollout stops there).
///
/// ```
/// cand[j·K + e, b] = clip(μ_e(s_b, a_b) + ε·σ_e(s_b, a_b), ±c)     e ∈ elites (K), j < samples, over [s', r]
/// R[i, b]  = r_D(s_b, a_b, cand[i, b].s')
/// i*_b     = argmax_i R[i, b]      or   i*_b ~ softmax_i(R[i, b] / τ)
/// (s', r)  = cand[i*_b, b];  ρ_b = R[i*_b, b];  done = termination(s') ∨ ρ_b < threshold
/// ```
/// Low-reward rows are kept (terminal), not dropped, as the official code does (its `early_stop`
/// mask is dead code); ``dropBelowThreshold`` drops them instead, for ablations only. The
/// base algorithm's penalty is applied by the rollout after this filter, on the chosen row, with
/// the members' statistics of the unfiltered prediction, as in the official code.
///
/// The filter asks the rollout for every member's mean and standard deviation (MOPO's penalty
/// needs them too); with a ``DynamicsModels/DynamicsEnsemble`` the candidates are drawn from the
/// elites' statistics at no extra network cost; other models draw them with
/// ``DynamicsModels/DynamicsModel/sampleElites(_:_:samples:rng:)``.
///
/// ```swift
/// let filter = RewardConsistentFilter(reward: try DynamicsRewardEnsemble.load(from: path))
/// let stats = ModelRollout(horizon: 100).run(model: ensemble, startObservations: s0, policy: π,
///                                            filter: filter, penalty: MOPOPenalty(coefficient: 0.5), …)
/// ```
public final class RewardConsistentFilter: TransitionFilter {
    /// The dynamics reward.
    public let reward: any DynamicsRewardFunction
    /// Gaussian draws per elite member (official `resample_num_in_transition` 2; 5 elites × 2 = 10 candidates).
    public var samplesPerElite: Int
    /// Argmax or softmax selection.
    public var selection: CandidateSelection
    /// A kept transition with a reward under this is terminal (official 0.6 ⇔ p̄ < 0.4512).
    public var threshold: Float
    /// Candidates' next states and rewards are clipped to ±this (official 25 on D4RL, 1e6 on NeoRL).
    public var clipValue: Float
    /// Drop rows under the threshold instead of storing them as terminal (ablation; not the official behaviour).
    public var dropBelowThreshold: Bool
    /// The task's termination rule; `nil` takes a ``DynamicsModels/DynamicsEnsemble``'s own, else
    /// keeps the terminal flags of the model's step (a model of a task without a known rule).
    public var termination: TerminationFunction?

    /// The last call's chosen rewards ρ, `[B]`.
    public private(set) var lastSelectedRewards = Tensor.zeros([0])
    /// The last call's candidate rewards, `[C, B]`.
    public private(set) var lastCandidateRewards = Tensor.zeros([0, 0])
    /// The last call's candidate next states, `[C, B, obs]`.
    public private(set) var lastCandidates = Tensor.zeros([0, 0, 0])
    /// The last call's chosen candidate index per row.
    public private(set) var lastChoices: [Int] = []

    /// Creates the filter with the official defaults.
    public init(reward: any DynamicsRewardFunction, samplesPerElite: Int = 2, selection: CandidateSelection = .argmax,
                threshold: Float = 0.6, clipValue: Float = 25, dropBelowThreshold: Bool = false,
                termination: TerminationFunction? = nil) {
        precondition(samplesPerElite > 0, "RewardConsistentFilter: samplesPerElite must be positive, got \(samplesPerElite)")
        self.reward = reward
        self.samplesPerElite = samplesPerElite
        self.selection = selection
        self.threshold = threshold
        self.clipValue = clipValue
        self.dropBelowThreshold = dropBelowThreshold
        self.termination = termination
    }

    /// `true`: the ensemble's one batched all-member forward pass yields the elites' μ and σ for
    /// the candidates, which costs less than a chosen-member step followed by ``DynamicsModels/DynamicsModel/sampleElites(_:_:samples:rng:)``.
    public var needsMemberStatistics: Bool { true }

    public func filter(observations: Tensor, actions: Tensor, step: inout ModelStep, model: any DynamicsModel,
                       rng: inout RandomGenerator) -> [Bool] {
        let rows = observations.shape[0], o = observations.shape[1]
        precondition(o == reward.observationDimension && actions.shape[1] == reward.actionDimension,
                     "RewardConsistentFilter: the reward is for \(reward.observationDimension)/\(reward.actionDimension) observation/action widths, the rollout has \(o)/\(actions.shape[1])")
        var (next, rewards) = candidates(observations, actions, step: step, model: model, rng: &rng)   // [C, B, o], [C, B]
        let count = next.shape[0]
        let c = clipValue
        next.formMap { Swift.min(Swift.max($0, -c), c) }
        rewards.formMap { Swift.min(Swift.max($0, -c), c) }
        let scores = reward.rewards(observations: observations, actions: actions, candidates: next)      // [C, B]
        let choices = Self.select(scores, selection: selection, rng: &rng)
        var chosenNext = Tensor(uninitializedShape: [rows, o]), chosenRewards = Tensor(uninitializedShape: [rows])
        var rho = Tensor(uninitializedShape: [rows])
        next.withUnsafeBufferPointer { n in
            rewards.withUnsafeBufferPointer { r in
                scores.withUnsafeBufferPointer { sc in
                    chosenNext.withUnsafeMutableBufferPointer { cn in
                        chosenRewards.withUnsafeMutableBufferPointer { cr in
                            rho.withUnsafeMutableBufferPointer { p in
                                for b in 0..<rows {
                                    let i = choices[b]
                                    for j in 0..<o { cn[b * o + j] = n[(i * rows + b) * o + j] }
                                    cr[b] = r[i * rows + b]
                                    p[b] = sc[i * rows + b]
                                }
                            }
                        }
                    }
                }
            }
        }
        // Without a rule (a model of a task the library does not know), the model's own flags are
        // kept: dropping them would let every rollout run through the task's ends.
        let rule = termination ?? (model as? DynamicsEnsemble)?.termination
        let done = rule.map { $0(chosenNext) } ?? step.terminals.scalars.map { $0 != 0 }
        var kept = [Bool](repeating: true, count: rows)
        let rhoValues = rho.scalars
        let terminals = Tensor((0..<rows).map { b -> Float in
            let low = rhoValues[b] < threshold
            if low && dropBelowThreshold { kept[b] = false }
            return done[b] || low ? 1 : 0
        })
        step.nextObservations = chosenNext
        step.rewards = chosenRewards
        step.terminals = terminals
        lastSelectedRewards = rho
        lastCandidateRewards = scores
        lastCandidates = next
        lastChoices = choices
        _ = count
        return kept
    }

    /// Candidate next states `[C, B, obs]` and rewards `[C, B]`, C = samples × elites, sample-major.
    func candidates(_ observations: Tensor, _ actions: Tensor, step: ModelStep, model: any DynamicsModel,
                    rng: inout RandomGenerator) -> (Tensor, Tensor) {
        let rows = observations.shape[0], o = observations.shape[1]
        if let ensemble = model as? DynamicsEnsemble, let means = step.memberMeans, let stds = step.memberStandardDeviations {
            // μ, σ of every member are already there (the penalty asked for them): draw from the elites'.
            let elites = ensemble.elites, k = elites.count, s = samplesPerElite, d = o + 1
            let noise = Tensor.normal([s, k, rows, d], rng: &rng)
            var next = Tensor(uninitializedShape: [s * k, rows, o]), rewards = Tensor(uninitializedShape: [s * k, rows])
            means.withUnsafeBufferPointer { m in
                stds.withUnsafeBufferPointer { sd in
                    noise.withUnsafeBufferPointer { z in
                        next.withUnsafeMutableBufferPointer { n in
                            rewards.withUnsafeMutableBufferPointer { r in
                                for j in 0..<s {
                                    for (ei, e) in elites.enumerated() {
                                        let cand = j * k + ei
                                        for b in 0..<rows {
                                            let src = (e * rows + b) * d, zi = (cand * rows + b) * d
                                            for q in 0..<o { n[(cand * rows + b) * o + q] = m[src + q] + z[zi + q] * sd[src + q] }
                                            r[cand * rows + b] = m[src + o] + z[zi + o] * sd[src + o]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (next, rewards)
        }
        let samples = model.sampleElites(observations, actions, samples: samplesPerElite, rng: &rng)
        let c = samples.nextObservations.shape[0] * samples.nextObservations.shape[1]
        return (samples.nextObservations.reshaped([c, rows, o]), samples.rewards.reshaped([c, rows]))
    }

    /// The chosen candidate per row of `scores` (`[C, B]`).
    public static func select(_ scores: Tensor, selection: CandidateSelection, rng: inout RandomGenerator) -> [Int] {
        let count = scores.shape[0], rows = scores.shape[1]
        var choices = [Int](repeating: 0, count: rows)
        scores.withUnsafeBufferPointer { sc in
            switch selection {
            case .argmax:
                for b in 0..<rows {
                    var best = 0
                    for i in 1..<count where sc[i * rows + b] > sc[best * rows + b] { best = i }
                    choices[b] = best
                }
            case let .softmax(temperature):
                var weights = [Float](repeating: 0, count: count)
                for b in 0..<rows {
                    var top = -Float.infinity
                    for i in 0..<count { top = Swift.max(top, sc[i * rows + b]) }
                    for i in 0..<count { weights[i] = expf((sc[i * rows + b] - top) / temperature) }
                    choices[b] = rng.categorical(weights)
                }
            }
        }
        return choices
    }
}
