import LinearAlgebra
import NeuralNetworks

/// `orl bench sac-update`: one full SAC-N update (An et al. 2021), or EDAC with `eta > 0`,
/// as CORL's `sac_n.py` / `edac.py` run it (workload W1 of `Experiments/performance/README.md`).
///
/// Obs 17, action 6, batch 256; critics 3×256 ReLU held as one ensemble of N; actor 3×256 ReLU
/// with a tanh-Gaussian head (log σ clipped to [−5, 2]); automatic entropy tuning; three Adam
/// optimisers (lr 3e-4); γ = 0.99; Polyak τ = 5e-3. Order: α step → actor step → critic step
/// (+ η·diversity) → Polyak. FLOPs are the minimal count of the issue: 1.19 GFLOP for N = 2,
/// 4.54 for N = 10 and 7.35 for EDAC N = 10 (our EDAC shares one critic forward between the TD
/// loss and the diversity term, so it does less than that count).
public struct SACUpdateBenchmark: Sendable {
    /// Ensemble size N.
    public var critics: Int
    /// The EDAC diversity coefficient η (0: SAC-N).
    public var eta: Float
    /// Timed rounds (the median is reported).
    public var rounds: Int
    /// Updates per timed round.
    public var updatesPerRound: Int
    /// Split products across cores with single-threaded BLAS (``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:)``)
    /// instead of OpenBLAS's own threads.
    public var parallel = true

    /// Creates the benchmark.
    public init(critics: Int, eta: Float = 0, rounds: Int = 9, updatesPerRound: Int = 10) {
        self.critics = critics
        self.eta = eta
        self.rounds = rounds
        self.updatesPerRound = updatesPerRound
    }

    /// The workload's name in the JSON output.
    public var workload: String { eta > 0 ? "edac-n\(critics)" : "sac-n\(critics)" }

    /// Minimal GFLOP per update: 5·Af + 6·N·Cf (+ 4·N·Cf with the diversity term), less the
    /// first layers' input gradients (the FLOP counts of `Experiments/performance/README.md`).
    public var gflop: Double {
        let b = 256.0
        let actorForward = 2 * b * (17 * 256 + 256 * 256 * 2 + 256 * 12)
        let criticForward = 2 * b * (23 * 256 + 256 * 256 * 2 + 256)
        let actorFirstDX = 2 * b * 17 * 256, criticFirstDX = 2 * b * 23 * 256
        var total = 5 * actorForward - actorFirstDX + Double(critics) * (6 * criticForward - criticFirstDX)
        if eta > 0 { total += 4 * Double(critics) * criticForward }
        return total / 1e9
    }

    /// Runs warm-up and the timed rounds; returns one result.
    public func run() -> [BenchmarkResult] {
        Timing.withBLASThreading(singleThreadedBLAS: parallel, measure)
    }

    private func measure() -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 2024)
        let agent = SACNAgent(critics: critics, eta: eta, rng: &rng)
        let batches = (0..<4).map { _ in SACBatch.random(size: 256, rng: &rng) }
        var peak = PeakGemm(rng: &rng)
        var next = 0
        for _ in 0..<5 { agent.update(batches[next % 4], rng: &rng); next += 1 }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3, 3, updatesPerRound], [
            { peak.call() },
            { peak.callSplit() },
            { agent.update(batches[next % 4], rng: &rng); next += 1 },
        ])
        let extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "blas_threads": .number(Double(BLASRuntime.threads)),
            "workers": .number(Double(parallel ? ParallelGemm.workers : 1)),
            "critics": .number(Double(critics)), "eta": .number(Double(eta)),
        ]
        return [BenchmarkResult(workload: workload, medianMs: ms[2], gflop: gflop,
                                peakGflops: PeakGemm.gflops(millisecondsPerCall: Swift.min(ms[0], ms[1])), extra: extra)]
    }
}

/// One minibatch of transitions.
struct SACBatch {
    var states: Tensor, actions: Tensor, rewards: Tensor, nextStates: Tensor, notDone: Tensor

    static func random(size: Int, rng: inout RandomGenerator) -> SACBatch {
        SACBatch(states: Tensor.normal([size, 17], rng: &rng),
                 actions: Tensor.uniform([size, 6], low: -0.99, high: 0.99, rng: &rng),
                 rewards: Tensor.normal([size], rng: &rng),
                 nextStates: Tensor.normal([size, 17], rng: &rng),
                 notDone: Tensor(shape: [size]) { p in for i in 0..<size { p[i] = rng.uniform() < 0.01 ? 0 : 1 } })
    }
}

/// A compact SAC-N / EDAC learner, written as CORL's `edac.py` reads (the library's full agent
/// lives in PolicyLearning; this one exists to be timed).
final class SACNAgent {
    let actor: MLP, actorHead: Linear
    let critics: MLP, targetCritics: MLP
    let logAlpha = Variable(Tensor.zeros([1]), requiresGrad: true)
    let actorOptimizer: Adam, criticOptimizer: Adam, alphaOptimizer: Adam
    let n: Int, eta: Float
    let gamma: Float = 0.99, tau: Float = 5e-3, targetEntropy: Float = -6

    init(critics n: Int, eta: Float, rng: inout RandomGenerator) {
        self.n = n
        self.eta = eta
        actor = MLP([17, 256, 256, 256], activation: .relu, outputActivation: .relu, rng: &rng)
        actorHead = Linear(256, 12, rng: &rng)
        critics = MLP([23, 256, 256, 256, 1], activation: .relu, members: n, rng: &rng)
        targetCritics = MLP([23, 256, 256, 256, 1], activation: .relu, members: n, rng: &rng)
        targetCritics.update(parameters: critics.parameterValues())
        targetCritics.freeze()
        actorOptimizer = Adam(actor.namedParameters() + actorHead.namedParameters().map {
            NamedParameter(name: "head." + $0.name, variable: $0.variable)
        }, learningRate: 3e-4)
        criticOptimizer = Adam(critics.namedParameters(), learningRate: 3e-4)
        alphaOptimizer = Adam([NamedParameter(name: "log_alpha", variable: logAlpha)], learningRate: 3e-4)
    }

    /// π(·|s): μ and log σ ∈ [−5, 2] from one 12-wide head.
    func policy(_ states: Variable) -> TanhGaussian {
        let out = actorHead(actor(states))
        return TanhGaussian(mean: out.slice(0..<6, axis: 1), logStd: out.slice(6..<12, axis: 1).clamped(min: -5, max: 2))
    }

    /// Q of every member, [N, B].
    func q(_ net: MLP, _ states: Variable, _ actions: Variable) -> Variable {
        let b = states.shape[0]
        return net(Variable.concatenate([states, actions], axis: 1)).reshaped([n, b])
    }

    /// Samples without recording the actor (PyTorch's `torch.no_grad()`).
    func sampleWithoutGradients(_ states: Tensor, rng: inout RandomGenerator) -> (action: Tensor, logProb: Tensor) {
        actor.freeze(); actorHead.freeze()
        defer { actor.unfreeze(); actorHead.unfreeze() }
        let (a, lp) = policy(Variable(states)).sample(rng: &rng)
        return (a.value, lp.value)
    }

    static func assign(_ grads: [Variable], to params: [Variable]) {
        for (p, g) in zip(params, grads) { p.grad = g.value }
    }

    func update(_ batch: SACBatch, rng: inout RandomGenerator) {
        let states = Variable(batch.states)

        // α step: −log α · mean(log π + H̄)   (Haarnoja et al. 2018b, eq. 18)
        let (_, logProbNoGrad) = sampleWithoutGradients(batch.states, rng: &rng)
        let alphaLoss = -(logAlpha * (Variable(logProbNoGrad) + targetEntropy)).mean()
        SACNAgent.assign(gradients(of: alphaLoss, withRespectTo: [logAlpha]), to: [logAlpha])
        alphaOptimizer.step()
        let alpha = logAlpha.value.exp()[0]

        // Actor step: mean(α log π(ã|s) − minᵢ Qᵢ(s, ã))   (An et al. 2021, eq. 3)
        let actorParams = actorOptimizer.parameters
        let (action, logProb) = policy(states).sample(rng: &rng)
        let qMin = q(critics, states, action).min(axis: 0)
        let actorLoss = (logProb * alpha - qMin).mean()
        SACNAgent.assign(gradients(of: actorLoss, withRespectTo: actorParams), to: actorParams)
        actorOptimizer.step()

        // Critic step: Σᵢ mean_b (Qᵢ − y)², y = r + γ(1 − d)(minᵢ Q̄ᵢ(s', a') − α log π(a'|s'))
        let (nextAction, nextLogProb) = sampleWithoutGradients(batch.nextStates, rng: &rng)
        let nextQ = q(targetCritics, Variable(batch.nextStates), Variable(nextAction)).value.min(axis: 0)
        let target = batch.rewards + gamma * batch.notDone * (nextQ - alpha * nextLogProb)
        let criticParams = criticOptimizer.parameters
        var criticLoss: Variable
        if eta > 0 {
            // EDAC (An et al. 2021, eq. 5): per-member action copies so ∇ₐQᵢ is per member.
            let b = batch.states.shape[0]
            let actions = Variable(Tensor.zeros([n, b, 6]) + batch.actions, requiresGrad: true)
            let statesRep = Variable(Tensor.zeros([n, b, 17]) + batch.states)
            let qAll = critics(Variable.concatenate([statesRep, actions], axis: 2)).reshaped([n, b])
            criticLoss = (qAll - Variable(target)).square().mean(axis: 1).sum()
            let g = gradients(of: qAll.sum(), withRespectTo: [actions], createGraph: true)[0]      // [N, B, A]
            let u = g / (g.square().sum(axis: 2, keepDims: true).sqrt() + 1e-10)
            // (1/(N−1)) mean_b (‖Σᵢ uᵢ‖² − Σᵢ‖uᵢ‖²)   (EDAC's term as CORL's edac.py computes it)
            let diversity = (u.sum(axis: 0).square().sum(axis: 1) - u.square().sum(axis: 2).sum(axis: 0)).mean()
                / Float(n - 1)
            criticLoss = criticLoss + diversity * eta
        } else {
            let qAll = q(critics, states, Variable(batch.actions))
            criticLoss = (qAll - Variable(target)).square().mean(axis: 1).sum()
        }
        SACNAgent.assign(gradients(of: criticLoss, withRespectTo: criticParams), to: criticParams)
        criticOptimizer.step()

        polyakUpdate(target: targetCritics, source: critics, tau: tau)
    }
}
