import DynamicsModels
import LinearAlgebra
import NeuralNetworks

/// `orl bench dynamics-fit`: whole epochs of the dynamics fit as `orl train` runs it (the default
/// ``DynamicsModels/DynamicsEnsembleConfiguration``: 7 members, 4×200 SiLU, batch 256 per member,
/// holdout evaluation and snapshot bookkeeping included) on `transitions` random rows of
/// HalfCheetah's widths (obs 17, action 6; the cost does not depend on the values).
///
/// An epoch's time is the difference between consecutive epoch reports, so the first epoch (which
/// also holds the split, the scaler and the target arrays) is not counted; the median over the
/// remaining epochs is reported. FLOPs per epoch: ⌈train rows / 256⌉ training steps of
/// ``DynamicsStepBenchmark/gflop`` each, plus the holdout forward pass of every member. The peak
/// is the 1024³ sgemm rate measured before and after the fit (the better of the two).
public struct DynamicsFitBenchmark: Sendable {
    /// Rows of the synthetic dataset (a D4RL MuJoCo dataset has 1,000,000).
    public var transitions: Int
    /// Epochs run; all but the first are timed.
    public var epochs: Int

    /// Creates the benchmark.
    public init(transitions: Int = 1_000_000, epochs: Int = 2) {
        precondition(epochs >= 2, "DynamicsFitBenchmark: need at least 2 epochs (the first is not timed), got \(epochs)")
        self.transitions = transitions
        self.epochs = epochs
    }

    /// Matmul GFLOP of one epoch with `train` training and `holdout` holdout rows.
    public static func gflopPerEpoch(train: Int, holdout: Int, batchSize: Int = 256) -> Double {
        let steps = (train + batchSize - 1) / batchSize
        let sizes = [23, 200, 200, 200, 200, 36]
        var forwardPerRow = 0.0
        for i in 0..<(sizes.count - 1) { forwardPerRow += 2 * Double(sizes[i] * sizes[i + 1]) }
        return Double(steps) * DynamicsStepBenchmark.gflop + 7 * Double(holdout) * forwardPerRow / 1e9
    }

    /// Fits and measures (products split across cores, single-threaded BLAS, as the trainer runs it).
    public func run() throws -> [BenchmarkResult] {
        try Timing.withBLASThreading(singleThreadedBLAS: true) { () -> Result<[BenchmarkResult], any Error> in
            Result { try measure() }
        }.get()
    }

    private func measure() throws -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 78)
        let o = 17, a = 6, n = transitions
        var configuration = DynamicsEnsembleConfiguration()
        configuration.maxEpochs = epochs
        configuration.maxEpochsSinceUpdate = epochs + 1
        let model = try DynamicsEnsemble(observationDimension: o, actionDimension: a, configuration: configuration,
                                         termination: .halfCheetah, rng: &rng)
        let observations = Tensor.normal([n, o], rng: &rng)
        let actions = Tensor.uniform([n, a], low: -1, high: 1, rng: &rng)
        let next = observations + Tensor.normal([n, o], std: 0.1, rng: &rng)
        let rewards = Tensor.normal([n], rng: &rng)
        var peak = PeakGemm(rng: &rng)
        let before = Timing.millisecondsPerCall(calls: 5) { peak.callSplit() }
        var reports: [DynamicsEpochReport] = []
        let summary = try model.fit(observations: observations, actions: actions, nextObservations: next, rewards: rewards,
                                    rng: &rng, progress: { reports.append($0) })
        let after = Timing.millisecondsPerCall(calls: 5) { peak.callSplit() }
        let epochSeconds = (1..<reports.count).map { reports[$0].elapsedSeconds - reports[$0 - 1].elapsedSeconds }
        let seconds = Timing.median(epochSeconds)
        let extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "workers": .number(Double(ParallelGemm.workers)),
            "transitions": .number(Double(n)), "train_rows": .number(Double(summary.trainCount)),
            "holdout_rows": .number(Double(summary.holdoutCount)), "epochs_timed": .number(Double(epochSeconds.count)),
            "epoch_s": .number(seconds), "members": .number(Double(configuration.members)),
        ]
        return [BenchmarkResult(workload: "dynamics-fit-epoch", medianMs: seconds * 1000,
                                gflop: Self.gflopPerEpoch(train: summary.trainCount, holdout: summary.holdoutCount),
                                peakGflops: PeakGemm.gflops(millisecondsPerCall: Swift.min(before, after)), extra: extra)]
    }
}
