import DynamicsModels
import LinearAlgebra
import MOREC
import NeuralNetworks

/// `orl bench rollout --filter morec`: the rollout workload of ``RolloutBenchmark`` (50,000 start
/// states × 5 steps, 7-member 4×200 ensemble, 2×256 actor, HalfCheetah widths) with MOREC's
/// transition filter, and the unfiltered rollout timed in the same run for the ratio
/// (the official MOREC code, `polixir/morec` `EnsembleDynamics.step`: 5 elites × 2 samples = 10 candidates per state, each scored by a
/// K-snapshot dynamics reward).
///
/// Workloads:
/// - `rollout`: unfiltered, one member evaluated per row.
/// - `rollout-morec`: the filter (MOREC-MOBILE's rollout): one all-member step whose elite μ, σ
///   give the 10 candidates, then the reward on them.
/// - `rollout-mopo`: unfiltered MOPO (every member evaluated for the penalty): MOREC-MOPO's baseline.
/// - `rollout-morec-mopo`: the filter plus MOPO's penalty on the chosen row (MOREC-MOPO's rollout).
///
/// `throughput_ratio_to_unfiltered` compares each filtered rollout with the unfiltered rollout of
/// the same base (`unfiltered_reference`): `rollout-morec` with the one-member `rollout`, and
/// `rollout-morec-mopo` with `rollout-mopo`. Matmul FLOPs bound the first near 0.12 (the filter
/// needs every elite's prediction and 100 snapshot evaluations per row) and the second near 0.6.
///
/// FLOPs per transition (matmuls, 2·m·n·k): actor 145,920; one member 263,600; one reward
/// snapshot on one candidate `2·(40·h₁ + h₁·h₂ + h₂)` (40 = 2·17 + 6), times 10 candidates × K.
public struct MORECRolloutBenchmark: Sendable {
    /// Timed rounds (median reported).
    public var rounds: Int
    /// Start states per rollout.
    public var startStates: Int
    /// Steps per rollout.
    public var horizon: Int
    /// Start states per chunk.
    public var chunkSize: Int
    /// Snapshots in the reward ensemble and their hidden widths (the learner's defaults: 10 × [64, 64]).
    public var snapshots = 10, hiddenSizes = [64, 64]
    /// Also time the MOPO-path variant.
    public var includeMOPO = true

    /// Creates the benchmark.
    public init(rounds: Int = 3, startStates: Int = 50_000, horizon: Int = 5, chunkSize: Int = 2_000) {
        self.rounds = rounds
        self.startStates = startStates
        self.horizon = horizon
        self.chunkSize = chunkSize
    }

    /// Matmul FLOPs per transition of each workload.
    public func flopPerTransition(_ workload: String) -> Double {
        let actor = RolloutFixture.actorFlop, member = RolloutFixture.memberFlop
        let sizes = [40] + hiddenSizes + [1]
        var snapshot = 0.0
        for i in 0..<(sizes.count - 1) { snapshot += 2.0 * Double(sizes[i] * sizes[i + 1]) }
        let reward = 10 * Double(snapshots) * snapshot
        switch workload {
        case "rollout": return actor + member
        case "rollout-mopo": return actor + 7 * member
        default: return actor + 7 * member + reward
        }
    }

    /// Runs warm-up and the timed rounds.
    public func run() -> [BenchmarkResult] {
        Timing.withBLASThreading(singleThreadedBLAS: true, measure)
    }

    private func measure() -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 31)
        let fixture = RolloutFixture(startStates: startStates, rng: &rng)
        let (model, policy, starts) = (fixture.model, fixture.policy, fixture.starts)
        let features = try! DynamicsRewardFeatures(observationLow: [Float](repeating: -3, count: 17), observationHigh: [Float](repeating: 3, count: 17),
                                                   actionLow: [Float](repeating: -1, count: 6), actionHigh: [Float](repeating: 1, count: 6))
        let parts = (0..<snapshots).map { k -> DiscriminatorSnapshot in
            let net = MLP([40] + hiddenSizes + [1], activation: .relu, members: 1, rng: &rng)
            return DiscriminatorSnapshot(parameters: net.parameterValues(), expertLogit: 1, learnerLogit: -1, step: k)
        }
        let reward = DynamicsRewardEnsemble(features: features, hiddenSizes: hiddenSizes, snapshots: parts)
        let filter = RewardConsistentFilter(reward: reward)
        let rollout = ModelRollout(horizon: horizon, chunkSize: chunkSize)
        var buffer = ModelRollout.makeModelBuffer(rolloutBatchSize: startStates, horizon: horizon, retainEpochs: 1,
                                                  observationDimension: 17, actionDimension: 6)
        var added = [0, 0, 0, 0]
        var peak = PeakGemm(rng: &rng)
        var names = ["rollout", "rollout-morec"]
        var workloads: [() -> Void] = [{ peak.call() }, {
            added[0] = rollout.run(model: model, startObservations: starts, policy: policy, into: &buffer, rng: &rng).transitionsAdded
        }, {
            added[1] = rollout.run(model: model, startObservations: starts, policy: policy, filter: filter, into: &buffer, rng: &rng).transitionsAdded
        }]
        if includeMOPO {
            // MOREC-MOPO's own baseline: MOPO's rollout, which evaluates every member for its penalty.
            names += ["rollout-mopo", "rollout-morec-mopo"]
            workloads.append {
                added[2] = rollout.run(model: model, startObservations: starts, policy: policy,
                                       penalty: MOPOPenalty(coefficient: 1), into: &buffer, rng: &rng).transitionsAdded
            }
            workloads.append {
                added[3] = rollout.run(model: model, startObservations: starts, policy: policy, filter: filter,
                                       penalty: MOPOPenalty(coefficient: 1), into: &buffer, rng: &rng).transitionsAdded
            }
        }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3] + [Int](repeating: 1, count: workloads.count - 1), workloads)
        let peakGflops = PeakGemm.gflops(millisecondsPerCall: ms[0])
        let rates = names.indices.map { Double(added[$0]) / (ms[$0 + 1] / 1000) }
        // Each filtered rollout against the unfiltered rollout of the same base: the plain one-member
        // rollout for `rollout-morec`, MOPO's all-member rollout for `rollout-morec-mopo`.
        let reference = ["rollout": 0, "rollout-morec": 0, "rollout-mopo": 2, "rollout-morec-mopo": 2]
        return names.indices.map { i in
            let rate = rates[i], unfilteredRate = rates[reference[names[i]]!]
            let extra: [String: JSONValue] = [
                "kernel": .string(BLASRuntime.coreName), "workers": .number(Double(ParallelGemm.workers)),
                "chunk_size": .number(Double(chunkSize)), "start_states": .number(Double(startStates)), "horizon": .number(Double(horizon)),
                "transitions": .number(Double(added[i])), "transitions_per_s": .number(rate),
                "throughput_ratio_to_unfiltered": .number(rate / unfilteredRate), "unfiltered_reference": .string(names[reference[names[i]]!]),
                "candidates": .number(names[i].contains("morec") ? 10 : 1), "reward_snapshots": .number(Double(names[i].contains("morec") ? snapshots : 0)),
            ]
            return BenchmarkResult(workload: names[i], medianMs: ms[i + 1], gflop: Double(added[i]) * flopPerTransition(names[i]) / 1e9,
                                   peakGflops: peakGflops, extra: extra)
        }
    }
}
