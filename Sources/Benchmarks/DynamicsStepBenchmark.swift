import DynamicsModels
import LinearAlgebra
import NeuralNetworks

/// `orl bench dynamics-step`: one training step of a probabilistic dynamics ensemble as
/// OfflineRL-Kit trains it for MOPO/MOBILE (workload W2 of `Experiments/performance/README.md`).
///
/// The library's ``DynamicsModels/DynamicsEnsemble`` at OfflineRL-Kit's defaults, one
/// ``DynamicsModels/DynamicsEnsemble/trainStep(inputs:targets:)``: 7 members, input 23, 4×200 SiLU
/// hidden, output mean and log-variance of 18, log-variance soft-bounded by learned max/min (PETS),
/// Gaussian NLL summed over members + 0.01·(Σmax − Σmin), AdamW (lr 1e-3) with per-layer decoupled
/// weight decay (2.5e-5 … 1e-4; ``DynamicsModels/WeightDecayStyle/decoupled``), batch 256 per
/// member, as issue #3 and `Experiments/performance/jax_workloads.py` specify. Kit itself adds
/// the decay to the loss and uses Adam, as `orl train` does: ``weightDecayStyle`` `.loss` times
/// that step (the one to set beside Kit). 1.40 GFLOP per step (forward and backward, no
/// first-layer input gradient; the decay terms add elementwise work, no products).
public struct DynamicsStepBenchmark: Sendable {
    /// Timed rounds.
    public var rounds: Int
    /// Steps per timed round.
    public var stepsPerRound: Int
    /// Split products across cores with single-threaded BLAS (``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:)``)
    /// instead of OpenBLAS's own threads.
    public var parallel = true
    /// How the weight decay is applied: `.decoupled` (AdamW, the JAX workload's) or `.loss` (Kit's and `orl train`'s).
    public var weightDecayStyle: WeightDecayStyle = .decoupled

    /// Creates the benchmark.
    public init(rounds: Int = 9, stepsPerRound: Int = 20) {
        self.rounds = rounds
        self.stepsPerRound = stepsPerRound
    }

    /// GFLOP per step: 3× the forward GEMMs less the first layer's input gradient.
    public static var gflop: Double {
        let sizes = [23, 200, 200, 200, 200, 36]
        var forward = 0.0
        for i in 0..<(sizes.count - 1) { forward += 2 * 7 * 256 * Double(sizes[i] * sizes[i + 1]) }
        return (3 * forward - 2 * 7 * 256 * 23 * 200) / 1e9
    }

    /// Runs warm-up and the timed rounds.
    public func run() -> [BenchmarkResult] {
        Timing.withBLASThreading(singleThreadedBLAS: parallel, measure)
    }

    private func measure() -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 77)
        let model = try! DynamicsEnsemble(observationDimension: 17, actionDimension: 6,
                                          configuration: DynamicsEnsembleConfiguration(weightDecayStyle: weightDecayStyle),
                                          termination: .halfCheetah, rng: &rng)
        let inputs = (0..<4).map { _ in Tensor.normal([7, 256, 23], rng: &rng) }
        let targets = (0..<4).map { _ in Tensor.normal([7, 256, 18], rng: &rng) }
        var peak = PeakGemm(rng: &rng)
        var next = 0
        for _ in 0..<5 { model.trainStep(inputs: inputs[next % 4], targets: targets[next % 4]); next += 1 }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3, 3, stepsPerRound], [
            { peak.call() },
            { peak.callSplit() },
            { model.trainStep(inputs: inputs[next % 4], targets: targets[next % 4]); next += 1 },
        ])
        let extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "blas_threads": .number(Double(BLASRuntime.threads)),
            "weight_decay": .string((model.configuration.weightDecayStyle ?? .loss).rawValue),   // what the timed model ran
            "workers": .number(Double(parallel ? ParallelGemm.workers : 1)),
        ]
        return [BenchmarkResult(workload: "dynamics-step", medianMs: ms[2], gflop: Self.gflop,
                                peakGflops: PeakGemm.gflops(millisecondsPerCall: Swift.min(ms[0], ms[1])), extra: extra)]
    }
}
