import DynamicsModels
import LinearAlgebra
import NeuralNetworks
import OfflineData
import PolicyLearning

/// `orl bench mobile-update`: one MOBILE critic/actor/α update as the shared trainer runs it on
/// hopper (obs 11, action 3, batch 256 with 13 real rows, 2×256 actor and 2 critics, a 7-member
/// 4×200 SiLU ensemble with 5 elites, 10 next-state samples per elite), timed beside the same
/// agent's plain SAC update (MOPO's, whose penalty is paid at rollout time).
///
/// The penalty (``BellmanInconsistencyPenalty``) evaluates the actor and both target critics on
/// N·K·B' = 10 · 5 · 243 = 12,150 sampled next states per update, about 9× the products of the
/// whole SAC update. FLOPs count matmuls only, 2·m·n·k each, for the work done:
/// ```
/// elites' forward     K · B' · 2·(14·200 + 3·200·200 + 200·24)
/// actor forward       N·K·B' · 2·(11·256 + 256·256 + 256·6)
/// 2 target critics    N·K·B' · 2 · 2·(14·256 + 256·256 + 256)
/// plus the SAC update's own products (SACUpdateBenchmark's count for these widths)
/// ```
public struct MOBILEUpdateBenchmark: Sendable {
    /// Timed rounds (the median is reported).
    public var rounds: Int
    /// Updates per timed round.
    public var updatesPerRound: Int
    /// Split products across cores with single-threaded BLAS instead of OpenBLAS's own threads.
    public var parallel = true

    static let observation = 11, action = 3, batch = 256, realRows = 13, samples = 10, elites = 5

    /// Creates the benchmark.
    public init(rounds: Int = 5, updatesPerRound: Int = 3) {
        self.rounds = rounds
        self.updatesPerRound = updatesPerRound
    }

    /// Matmul GFLOP of the penalty alone.
    public static var penaltyGflop: Double {
        let modelRows = Double(batch - realRows), sampled = Double(samples * elites) * modelRows
        let member = 2.0 * Double(14 * 200 + 3 * 200 * 200 + 200 * 24)
        let actor = 2.0 * Double(observation * 256 + 256 * 256 + 256 * 2 * action)
        let critic = 2.0 * Double((observation + action) * 256 + 256 * 256 + 256)
        return (Double(elites) * modelRows * member + sampled * (actor + 2 * critic)) / 1e9
    }

    /// Matmul GFLOP of the plain SAC update: target (actor + 2 critics forward), critic step
    /// (2 critics forward and backward), actor step (actor forward and backward, 2 critics forward
    /// and input gradient), a full backward counted as twice its forward, an input gradient as one.
    public static var sacGflop: Double {
        let b = Double(batch)
        let actor = 2 * b * Double(observation * 256 + 256 * 256 + 256 * 2 * action)
        let critic = 2 * b * Double((observation + action) * 256 + 256 * 256 + 256)
        return (actor + 2 * critic + 2 * 3 * critic + 3 * actor + 2 * 2 * critic) / 1e9
    }

    /// Runs warm-up and the timed rounds; returns the MOBILE update, the plain SAC update and
    /// the penalty alone.
    public func run() -> [BenchmarkResult] {
        Timing.withBLASThreading(singleThreadedBLAS: parallel, measure)
    }

    private func measure() -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 41)
        let o = Self.observation, a = Self.action
        let model = try! DynamicsEnsemble(observationDimension: o, actionDimension: a, termination: .hopper, rng: &rng)
        let plain = SACAgent(observationDimension: o, actionDimension: a, rng: &rng)
        let mobile = SACAgent(observationDimension: o, actionDimension: a, rng: &rng)
        let penalty = BellmanInconsistencyPenalty(model: model, configuration: MOBILEConfiguration())
        penalty.realRowCount = Self.realRows
        mobile.targetAdjustment = penalty
        var batch = TransitionBatch(batchSize: Self.batch, observationDimension: o, actionDimension: a)
        batch.observations = Tensor.normal([Self.batch, o], rng: &rng)
        batch.actions = Tensor.uniform([Self.batch, a], low: -0.99, high: 0.99, rng: &rng)
        batch.rewards = Tensor.uniform([Self.batch], low: 0, high: 3, rng: &rng)
        batch.nextObservations = Tensor.normal([Self.batch, o], rng: &rng)
        let modelObservations = batch.observations.slice(Self.realRows..<Self.batch, axis: 0)
        let modelActions = batch.actions.slice(Self.realRows..<Self.batch, axis: 0)
        var peak = PeakGemm(rng: &rng)
        for _ in 0..<2 { mobile.update(batch, rng: &rng); plain.update(batch, rng: &rng) }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3, 3, updatesPerRound, updatesPerRound, updatesPerRound], [
            { peak.call() },
            { peak.callSplit() },
            { mobile.update(batch, rng: &rng) },
            { plain.update(batch, rng: &rng) },
            { _ = penalty.penalty(observations: modelObservations, actions: modelActions, agent: mobile, rng: &rng) },
        ])
        let peakGflops = PeakGemm.gflops(millisecondsPerCall: Swift.min(ms[0], ms[1]))
        let extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "blas_threads": .number(Double(BLASRuntime.threads)),
            "workers": .number(Double(parallel ? ParallelGemm.workers : 1)),
            "samples": .number(Double(Self.samples)), "elites": .number(Double(Self.elites)),
            "sampled_rows": .number(Double(Self.samples * Self.elites * (Self.batch - Self.realRows))),
            "cost_over_sac": .number(ms[2] / ms[3]),
        ]
        return [
            BenchmarkResult(workload: "mobile-update", medianMs: ms[2], gflop: Self.penaltyGflop + Self.sacGflop,
                            peakGflops: peakGflops, extra: extra),
            BenchmarkResult(workload: "sac-update-hopper", medianMs: ms[3], gflop: Self.sacGflop, peakGflops: peakGflops, extra: extra),
            BenchmarkResult(workload: "mobile-penalty", medianMs: ms[4], gflop: Self.penaltyGflop, peakGflops: peakGflops, extra: extra),
        ]
    }
}
