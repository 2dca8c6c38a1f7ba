import Foundation

/// Edge-of-reach measurements of a running offline agent (Sims et al. 2024, Fig. 3 and 5;
/// <doc:ReachAwareValueLearning>): the critics' values and ensemble spread at the next states of the
/// last rollout step, which are never expanded further, against those of earlier steps, and the
/// values against the Q of a score-100 policy.
///
/// Rows are drawn uniformly from the model buffer and split by their rollout-step tag
/// (``OfflineData/ReplayBuffer/rolloutSteps``): `t = h − 1` is "last", `0 ≤ t < h − 1` "earlier".
/// For each group, with a' ~ π(·|s') (what the Bellman target bootstraps from):
///
/// ```
/// q_mean = mean_b meanᵢ Qᵢ(s', a'),  q_min = mean_b minᵢ Qᵢ(s', a'),
/// q_std  = mean_b stdᵢ Qᵢ(s', a'),   penalty = mean_b (meanᵢ − minᵢ) Qᵢ(s', a')   (RAVL's implicit penalty)
/// approx Q* = (R_max / T) / (1 − γ)                        (1213.5 for halfcheetah: D4RL R_max 12135)
/// ```
/// The draws come from a generator seeded by the run's seed and step, never from the trainer's,
/// so switching the diagnostics on changes no training result.
public struct EdgeOfReachDiagnostics: Sendable {
    /// Rows drawn from each buffer.
    public var samples: Int

    /// Diagnostics drawing `samples` rows from each buffer.
    public init(samples: Int = 2048) {
        precondition(samples > 0, "EdgeOfReachDiagnostics: samples must be positive, got \(samples)")
        self.samples = samples
    }

    /// The Q of a policy scoring 100: `(R_max / T)/(1 − γ)` for the dataset's reference return
    /// R_max over episodes of T steps, or `nil` without a reference.
    public static func approximateOptimalQ(referenceMaxReturn: Double?, episodeSteps: Int, discount: Float) -> Double? {
        guard let r = referenceMaxReturn, episodeSteps > 0 else { return nil }
        return r / Double(episodeSteps) / (1 - Double(discount))
    }

    /// The diagnostics columns for `trainer`'s current agent and buffers (none unless the learner is SAC).
    public func metrics(trainer: OfflineTrainer) -> [String: Double] {
        guard let agent = trainer.sacAgent else { return [:] }
        let c = trainer.configuration
        let qStar = Self.approximateOptimalQ(referenceMaxReturn: trainer.datasetEntry?.refMaxScore,
                                             episodeSteps: c.maxEpisodeSteps, discount: c.sac.discount)
        var rng = RandomGenerator(seed: c.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(trainer.step))
        return metrics(agent: agent, modelBuffer: trainer.modelBuffer, realBuffer: trainer.realBuffer,
                       horizon: c.rolloutHorizon, approximateOptimalQ: qStar, rng: &rng)
    }

    /// The diagnostics columns (`eor_*`, `q_policy_real_*`, `approx_q_star`, `q_over_approx_q_star`).
    ///
    /// - Parameters:
    ///   - agent: the agent whose critics and policy are measured.
    ///   - modelBuffer: model rollouts tagged with their step.
    ///   - realBuffer: the dataset's transitions.
    ///   - horizon: the rollout horizon h.
    ///   - approximateOptimalQ: the Q of a score-100 policy, if known.
    ///   - rng: the generator for the row draws and a'.
    public func metrics(agent: SACAgent, modelBuffer: ReplayBuffer, realBuffer: ReplayBuffer, horizon: Int,
                        approximateOptimalQ: Double?, rng: inout RandomGenerator) -> [String: Double] {
        var row = [String: Double]()
        let o = agent.observationDimension, a = agent.actionDimension
        var batch = TransitionBatch(batchSize: samples, observationDimension: o, actionDimension: a)
        if realBuffer.count > 0 {
            realBuffer.sample(into: &batch, rng: &rng)
            let real = Self.statistics(agent: agent, states: batch.observations, rng: &rng)
            row["q_policy_real_mean"] = real.mean
            row["q_policy_real_std"] = real.std
            if let qStar = approximateOptimalQ {
                row["approx_q_star"] = qStar
                row["q_over_approx_q_star"] = real.mean / qStar
            }
        }
        guard modelBuffer.count > 0 else { return row }
        modelBuffer.sample(into: &batch, rng: &rng)
        var last = [Int](), earlier = [Int]()
        for (i, t) in batch.rolloutSteps.enumerated() {
            if Int(t) == horizon - 1 { last.append(i) } else if t >= 0 { earlier.append(i) }
        }
        row["eor_last_fraction"] = Double(last.count) / Double(samples)
        var lastStd: Double?, earlierStd: Double?
        for (name, rows) in [("last", last), ("earlier", earlier)] where !rows.isEmpty {
            let s = Self.statistics(agent: agent, states: batch.nextObservations.gather(rows, axis: 0), rng: &rng)
            row["eor_\(name)_q_mean"] = s.mean
            row["eor_\(name)_q_min"] = s.min
            row["eor_\(name)_q_std"] = s.std
            row["eor_\(name)_penalty"] = s.mean - s.min
            if let qStar = approximateOptimalQ { row["eor_\(name)_q_over_approx_q_star"] = s.mean / qStar }
            if name == "last" { lastStd = s.std } else { earlierStd = s.std }
        }
        if let l = lastStd, let e = earlierStd, e > 0 { row["eor_std_ratio"] = l / e }
        return row
    }

    /// Batch means of the ensemble mean, minimum and standard deviation of Qᵢ(s, a), a ~ π(·|s).
    static func statistics(agent: SACAgent, states: Tensor, rng: inout RandomGenerator)
        -> (mean: Double, min: Double, std: Double) {
        let (actions, _) = agent.actor.sampleWithLogProb(states, rng: &rng)
        let q = agent.critics(Variable(states), Variable(actions)).value           // [N, B]
        let mean = q.mean(axis: 0, keepDims: true)
        let std = (q - mean).square().mean(axis: 0).sqrt().mean()
        return (Double(mean.mean()), Double(q.min(axis: 0).mean()), Double(std))
    }
}
