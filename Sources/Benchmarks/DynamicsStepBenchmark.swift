import LinearAlgebra
import NeuralNetworks

/// `orl bench dynamics-step`: one training step of a probabilistic dynamics ensemble as
/// OfflineRL-Kit trains it for MOPO/MOBILE (perf-anchors.md §7, W2).
///
/// 7 members, input 23, 4×200 SiLU hidden, output mean and log-variance of 18, log-variance
/// soft-bounded by learned max/min (PETS), Gaussian NLL summed over members + 0.01·(Σmax − Σmin),
/// AdamW (lr 1e-3) with per-layer weight decay groups (2.5e-5 … 1e-4), batch 256 per member.
/// 1.40 GFLOP per step (forward and backward, no first-layer input gradient).
public struct DynamicsStepBenchmark: Sendable {
    /// Timed rounds.
    public var rounds: Int
    /// Steps per timed round.
    public var stepsPerRound: Int
    /// Split products across cores with single-threaded BLAS (``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:)``)
    /// instead of OpenBLAS's own threads.
    public var parallel = true

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
        BLASRuntime.ensureFastPath()
        // Single-threaded BLAS calls, split across cores by Tensor.parallelGemm (members or rows).
        let savedThreads = BLASRuntime.threads
        if parallel { BLASRuntime.threads = 1 }
        defer { BLASRuntime.threads = savedThreads }
        var rng = RandomGenerator(seed: 77)
        let model = DynamicsStepModel(rng: &rng)
        let inputs = (0..<4).map { _ in Tensor.normal([7, 256, 23], rng: &rng) }
        let targets = (0..<4).map { _ in Tensor.normal([7, 256, 18], rng: &rng) }
        var peak = PeakGemm(rng: &rng)
        var next = 0
        for _ in 0..<5 { model.step(inputs[next % 4], targets[next % 4]); next += 1 }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3, 3, stepsPerRound], [
            { peak.call() },
            { peak.callSplit() },
            { model.step(inputs[next % 4], targets[next % 4]); next += 1 },
        ])
        let extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "blas_threads": .number(Double(BLASRuntime.threads)),
            "workers": .number(Double(parallel ? ParallelGemm.workers : 1)),
        ]
        return [BenchmarkResult(workload: "dynamics-step", medianMs: ms[2], gflop: Self.gflop,
                                peakGflops: PeakGemm.gflops(millisecondsPerCall: Swift.min(ms[0], ms[1])), extra: extra)]
    }
}

/// The timed model: an ensemble MLP with learned log-variance bounds.
final class DynamicsStepModel {
    let net: MLP
    let maxLogVariance = Variable(Tensor(repeating: 0.5, shape: [18]), requiresGrad: true)
    let minLogVariance = Variable(Tensor(repeating: -10, shape: [18]), requiresGrad: true)
    let optimizer: AdamW

    init(rng: inout RandomGenerator) {
        net = MLP([23, 200, 200, 200, 200, 36], activation: .silu, members: 7, rng: &rng)
        let decays: [Float] = [2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4]
        var groups = net.layers.enumerated().map { i, layer in
            ParameterGroup(layer.namedParameters().map { NamedParameter(name: "layers.\(i)." + $0.name, variable: $0.variable) },
                           weightDecay: decays[i])
        }
        groups.append(ParameterGroup([NamedParameter(name: "max_logvar", variable: maxLogVariance),
                                      NamedParameter(name: "min_logvar", variable: minLogVariance)], weightDecay: 0))
        optimizer = AdamW(groups: groups, learningRate: 1e-3)
    }

    func step(_ input: Tensor, _ target: Tensor) {
        let out = net(Variable(input))                                          // [7, 256, 36]
        let logVariance = softBoundedLogVariance(out.slice(18..<36, axis: 2), maxLogVariance: maxLogVariance,
                                                 minLogVariance: minLogVariance)
        let loss = gaussianNegativeLogLikelihood(mean: out.slice(0..<18, axis: 2), logVariance: logVariance,
                                                 target: Variable(target))
            + logVarianceBoundPenalty(maxLogVariance: maxLogVariance, minLogVariance: minLogVariance)
        let params = optimizer.parameters
        for (p, g) in zip(params, gradients(of: loss, withRespectTo: params)) { p.grad = g.value }
        optimizer.step()
    }
}
