import Foundation

/// The synthetic generalization experiment of `Experiments/morec-synthetic/` (ours, on
/// ``ThermalControlTask``): does the learned dynamics reward peak at the true transition outside
/// the data, and do filtered rollouts stay closer to the truth than the plain maximum-likelihood
/// ensemble?
///
/// ```
/// data: thermostat at 4° → fit the MLE ensemble and learn the dynamics reward on the same data
/// grid: T ∈ [−5, 25], a ∈ {0, 0.5, 1}, z ∈ {0, 1}:
///       Δ_r = argmax_Δ r_D(s, a, s + Δ) over a fine grid;   Δ_mle = mean of the elites' μ
///       compare |Δ_r − Δ*| with |Δ_mle − Δ*|, in and out of the data's T range
/// rollouts: the test policy (cooling off most of the time) for H steps from data states, the
///       same action sequence in the truth, the plain ensemble (random elite) and the filtered one
/// ```
public struct SyntheticExperiment {
    /// Episodes of data.
    public var episodes = 200
    /// Steps per episode.
    public var episodeLength = 50
    /// Reward-learning settings (defaults sized for seconds, not minutes).
    public var reward: AdversarialRewardConfiguration
    /// The MLE ensemble's settings.
    public var dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [128, 128, 128], members: 7, elites: 5,
                                                        weightDecays: [2.5e-5, 5e-5, 7.5e-5, 1e-4], maxEpochs: 200)
    /// Test rollouts and their length.
    public var rollouts = 200, horizon = 30
    /// Seed.
    public var seed: UInt64 = 7

    /// The default experiment.
    public init() {
        reward = AdversarialRewardConfiguration()
        reward.warmupSteps = 2_000
        reward.adversarialSteps = 6_000
        reward.snapshotInterval = 150
        reward.holdoutFraction = 0.1
        reward.checkpointInterval = 2_000
    }

    /// One grid point's comparison.
    public struct GridPoint: Codable, Sendable {
        /// The state (T, z) and action a.
        public var temperature: Float, room: Float, action: Float
        /// Δ*, the MLE ensemble's mean Δ, and the centre of the reward's argmax set over Δ (width `plateauWidth`).
        public var trueDelta: Float, mleDelta: Float, rewardDelta: Float, plateauWidth: Float
        /// r_D at the true and at the MLE mean next state.
        public var rewardAtTrue: Float, rewardAtMLE: Float
        /// Whether T lies in the data's range.
        public var inData: Bool
    }

    /// Everything the experiment measured.
    public struct Results: Codable, Sendable {
        /// The data's [min, max] T.
        public var dataTemperatureRange: [Float]
        /// Transitions in the data.
        public var transitions: Int
        /// Every grid point.
        public var grid: [GridPoint]
        /// Mean |Δ − Δ*| inside and outside the data's T range, for the reward's argmax and the MLE mean.
        public var rewardArgmaxErrorIn: Float, mleErrorIn: Float, rewardArgmaxErrorOut: Float, mleErrorOut: Float
        /// Fraction of out-of-data grid points where r_D(true) > r_D(MLE mean).
        public var outOfDataTrueBeatsMLE: Float
        /// Mean |T_model − T_true| per rollout step.
        public var rolloutErrorPlain: [Float], rolloutErrorFiltered: [Float]
        /// Mean true T per rollout step (to see how far outside the data the rollouts go).
        public var rolloutTrueTemperature: [Float]
        /// Fraction of filtered steps whose chosen reward was under the 0.6 threshold.
        public var filteredBelowThreshold: Float
        /// Reward heat map at a = 0.5, z = 0: temperatures, deltas and `r[T][Δ]`.
        public var heatmapTemperatures: [Float], heatmapDeltas: [Float], heatmapRewards: [[Float]]
        /// The reward's held-out check: mean r on held-out data and on corrupted s'.
        public var heldOutReward: Float, corruptedReward: Float
        /// Seconds spent.
        public var seconds: Double
    }

    /// Runs everything; `report` gets one line per phase.
    public func run(report: ((String) -> Void)? = nil) throws -> Results {
        let start = monotonicSeconds()
        let task = ThermalControlTask()
        var rng = RandomGenerator(seed: seed)
        var dataRNG = rng.split(), modelRNG = rng.split()
        let data = task.collect(episodes: episodes, length: episodeLength, rng: &dataRNG)
        let temps = data.observations.slice(0..<1, axis: 1).scalars
        let lo = temps.min()!, hi = temps.max()!
        report?(String(format: "data: %d transitions, T in [%.2f, %.2f]", data.rewards.count, lo, hi))

        let model = try DynamicsEnsemble(observationDimension: 2, actionDimension: 1, configuration: dynamics,
                                         termination: ThermalControlTask.termination, rng: &modelRNG)
        let fit = try model.fit(observations: data.observations, actions: data.actions, nextObservations: data.nextObservations,
                                rewards: data.rewards, rng: &modelRNG)
        report?("MLE ensemble: \(fit.epochs) epochs, elites \(fit.elites)")

        var learnerConfiguration = reward
        learnerConfiguration.seed = seed
        let learner = try AdversarialDynamicsRewardLearner(configuration: learnerConfiguration, observations: data.observations,
                                                           actions: data.actions, nextObservations: data.nextObservations)
        try learner.train(stopAfter: nil) { report?("reward: " + $0.text) }
        let r = try learner.reward()
        let check = try RewardHoldoutCheck.run(reward: r, learner: learner, rng: &rng)
        report?(String(format: "reward: held-out %.3f, corrupted %.3f", check.real, check.corrupted))

        // Grid of (T, a, z) with the reward's argmax over Δ.
        let deltas = stride(from: Float(-3), through: 3, by: 0.01).map { $0 }
        var grid = [GridPoint]()
        for z: Float in [0, 1] {
            for a: Float in [0, 0.5, 1] {
                for ti in 0...30 {
                    let t = Float(ti) - 5
                    let s = Tensor(shape: [1, 2], scalars: [t, z]), act = Tensor(shape: [1, 1], scalars: [a])
                    let trueDelta = task.meanNext(temperature: t, room: z, action: a) - t
                    var unused = RandomGenerator(seed: 0)
                    let stats = model.step(s, act, memberStatistics: true, rng: &unused)
                    let means = stats.memberMeans!.scalars   // [E, 1, 3]
                    let mleDelta = model.elites.map { means[$0 * 3] }.reduce(0, +) / Float(model.elites.count) - t
                    let candidates = Tensor(shape: [deltas.count, 1, 2], scalars: deltas.flatMap { [t + $0, z] })
                    let scores = r.rewards(observations: s, actions: act, candidates: candidates).scalars
                    // The calibration clamps at E_k, so the maximum is often a plateau: take its centre.
                    let top = scores.max()!
                    let plateau = scores.indices.filter { scores[$0] >= top - 1e-6 }
                    let centre = plateau.map { deltas[$0] }.reduce(0, +) / Float(plateau.count)
                    let pair = r.rewards(observations: s, actions: act,
                                         candidates: Tensor(shape: [2, 1, 2], scalars: [t + trueDelta, z, t + mleDelta, z])).scalars
                    grid.append(GridPoint(temperature: t, room: z, action: a, trueDelta: trueDelta, mleDelta: mleDelta,
                                          rewardDelta: centre, plateauWidth: Float(plateau.count) * 0.01, rewardAtTrue: pair[0], rewardAtMLE: pair[1],
                                          inData: t >= lo && t <= hi))
                }
            }
        }
        func meanError(_ points: [GridPoint], _ value: (GridPoint) -> Float) -> Float {
            points.isEmpty ? 0 : points.map { Swift.abs(value($0) - $0.trueDelta) }.reduce(0, +) / Float(points.count)
        }
        let inside = grid.filter(\.inData), outside = grid.filter { !$0.inData }

        // Rollouts with the test policy: the same actions in the truth, the plain and the filtered model.
        var rolloutRNG = rng.split()
        let n = rollouts
        var truth = data.observations.gather((0..<n).map { _ in rolloutRNG.integer(below: data.rewards.count) }, axis: 0)
        var plain = truth, filtered = truth
        let filter = RewardConsistentFilter(reward: r, termination: ThermalControlTask.termination)
        var errorsPlain = [Float](), errorsFiltered = [Float](), trueT = [Float]()
        var below = 0, steps = 0
        var noiseRNG: RandomGenerator? = rolloutRNG.split()
        for _ in 0..<horizon {
            let actions = Tensor(shape: [n, 1], scalars: (0..<n).map { _ in rolloutRNG.uniform(0, 0.2) })
            truth = task.step(truth, actions, rng: &noiseRNG)
            plain = model.step(plain, actions, memberStatistics: false, rng: &rolloutRNG).nextObservations
            var step = model.step(filtered, actions, memberStatistics: true, rng: &rolloutRNG)
            _ = filter.filter(observations: filtered, actions: actions, step: &step, model: model, rng: &rolloutRNG)
            below += filter.lastSelectedRewards.scalars.filter { $0 < filter.threshold }.count
            steps += n
            filtered = step.nextObservations
            let t = truth.scalars, p = plain.scalars, f = filtered.scalars
            errorsPlain.append((0..<n).map { Swift.abs(p[2 * $0] - t[2 * $0]) }.reduce(0, +) / Float(n))
            errorsFiltered.append((0..<n).map { Swift.abs(f[2 * $0] - t[2 * $0]) }.reduce(0, +) / Float(n))
            trueT.append((0..<n).map { t[2 * $0] }.reduce(0, +) / Float(n))
        }

        // Heat map at a = 0.5, z = 0.
        let heatT = (0...30).map { Float($0) - 5 }, heatD = stride(from: Float(-3), through: 3, by: 0.05).map { $0 }
        var heat = [[Float]]()
        for t in heatT {
            let s = Tensor(shape: [1, 2], scalars: [t, 0]), act = Tensor(shape: [1, 1], scalars: [0.5])
            heat.append(r.rewards(observations: s, actions: act,
                                  candidates: Tensor(shape: [heatD.count, 1, 2], scalars: heatD.flatMap { [t + $0, 0] })).scalars)
        }
        return Results(dataTemperatureRange: [lo, hi], transitions: data.rewards.count, grid: grid,
                       rewardArgmaxErrorIn: meanError(inside, \.rewardDelta), mleErrorIn: meanError(inside, \.mleDelta),
                       rewardArgmaxErrorOut: meanError(outside, \.rewardDelta), mleErrorOut: meanError(outside, \.mleDelta),
                       outOfDataTrueBeatsMLE: Float(outside.filter { $0.rewardAtTrue > $0.rewardAtMLE }.count) / Float(Swift.max(outside.count, 1)),
                       rolloutErrorPlain: errorsPlain, rolloutErrorFiltered: errorsFiltered, rolloutTrueTemperature: trueT,
                       filteredBelowThreshold: Float(below) / Float(Swift.max(steps, 1)),
                       heatmapTemperatures: heatT, heatmapDeltas: heatD, heatmapRewards: heat,
                       heldOutReward: check.real, corruptedReward: check.corrupted, seconds: monotonicSeconds() - start)
    }
}

/// The reward on held-out data against corrupted next states: s' replaced by s + (s' − s) + ξ,
/// ξ ~ N(0, (½·std of s' − s)²) per dimension — a clear but plausible corruption.
public enum RewardHoldoutCheck {
    /// Mean rewards on the learner's held-out transitions, real and corrupted.
    public static func run(reward: any DynamicsRewardFunction, learner: AdversarialDynamicsRewardLearner,
                           rng: inout RandomGenerator) throws -> (real: Float, corrupted: Float) {
        let h = learner.holdout
        guard h.observations.shape[0] > 1 else { throw MORECError.invalidInput("no held-out transitions (holdoutFraction is 0)") }
        return compare(reward: reward, observations: h.observations, actions: h.actions, nextObservations: h.nextObservations, rng: &rng)
    }

    /// Mean rewards on the given transitions, real and corrupted.
    public static func compare(reward: any DynamicsRewardFunction, observations: Tensor, actions: Tensor, nextObservations: Tensor,
                               rng: inout RandomGenerator) -> (real: Float, corrupted: Float) {
        let delta = nextObservations - observations
        let std = (delta - delta.mean(axis: 0, keepDims: true)).square().mean(axis: 0).sqrt()       // [obs]
        let noise = Tensor.normal(nextObservations.shape, rng: &rng) * (std.reshaped([1, std.count]) * 0.5)
        let corrupted = nextObservations + noise
        let real = reward.rewards(observations: observations, actions: actions, candidates: nextObservations).mean()
        let fake = reward.rewards(observations: observations, actions: actions, candidates: corrupted).mean()
        return (real, fake)
    }
}
