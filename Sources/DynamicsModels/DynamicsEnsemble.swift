/// OfflineRL-Kit's probabilistic dynamics ensemble (`EnsembleDynamicsModel` + `EnsembleDynamics`;
/// `offlinerlkit/modules/dynamics_module.py`, `offlinerlkit/dynamics/ensemble_dynamics.py`), after PETS (Chua et al. 2018) and MBPO (Janner et al. 2019).
///
/// Each of E members maps the normalised `[s, a]` to a Gaussian over `[Δs, r]` (reward last):
/// ```
/// x̂ = (x − μ_x) / σ_x                                   StandardScaler on the training inputs
/// [μ_e, l_e] = f_e(x̂)                                   4×200 SiLU MLP per member
/// log σ²_e = min + softplus((max − softplus(max − l_e)) − min)   learned soft bounds, shared
/// s'_e ~ s + μ_e[Δs] + σ_e[Δs]·ε,   r_e ~ μ_e[r] + σ_e[r]·ε,   ε ~ N(0, I)
/// e* ~ Uniform(elites) per row;  (s', r) = sample of member e*;  done = termination(s')
/// ```
/// (`ensemble_dynamics.py::step`.) The deterministic variant (``DynamicsEnsembleConfiguration/deterministic``)
/// has one member, predicts only μ and returns it as the sample with σ = 0.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let model = try DynamicsEnsemble(observationDimension: 17, actionDimension: 6,
///                                  termination: .halfCheetah, rng: &rng)
/// let summary = try model.fit(dataset.dynamicsTransitions(), rng: &rng, progress: { report in
///     print(report.epoch, report.trainLoss, report.holdoutMeanSquaredErrors)
/// }, checkpoint: { state in try model.saveFitState(state, to: "fit.h5") })   // resumable: see DynamicsFitState
/// let step = model.step(observations, actions, rng: &rng)      // s', r, done, member μ and σ
/// ```
///
/// Sampling draws the elite choice for every row, then standard-normal noise `[B, obs + 1]`
/// for the chosen member only, so the sample is the same whether all members are evaluated
/// (`memberStatistics: true`) or only the chosen one (`false`, about E times fewer FLOPs;
/// `Experiments/performance/README.md`). This draws fewer normals than Kit, which samples every member and then
/// picks one; the distribution is the same.
///
/// ### See Also
/// - ``DynamicsEnsembleConfiguration``, ``fit(observations:actions:nextObservations:rewards:rng:progress:)``,
///   ``MOPOPenalty``, ``ModelRollout``
public final class DynamicsEnsemble: DynamicsModel {
    /// The hyper-parameters.
    public let configuration: DynamicsEnsembleConfiguration
    public let observationDimension: Int
    public let actionDimension: Int
    /// Decides `done` from sampled next observations.
    public let termination: TerminationFunction
    /// Every parameter and buffer (network, log-variance bounds, scaler, elites).
    public let network: EnsembleNetwork
    /// Adam over the trainable parameters (Kit: lr 1e-3, no optimizer weight decay), or AdamW with
    /// one group per layer under ``WeightDecayStyle/decoupled``.
    public let optimizer: Adam
    /// The best holdout MSE of each member after ``fit(observations:actions:nextObservations:rewards:rng:progress:)``.
    public internal(set) var holdoutErrors: [Float]?
    var cachedEliteWeights: EnsembleWeights?

    /// Creates an untrained model.
    /// - Parameters:
    ///   - observationDimension: observation width.
    ///   - actionDimension: action width.
    ///   - configuration: hyper-parameters (OfflineRL-Kit's by default).
    ///   - termination: the rule deciding `done` from a next observation.
    ///   - rng: draws the initial weights.
    /// - Throws: ``DynamicsModelError/invalidConfiguration(field:problem:)``.
    public init(observationDimension: Int, actionDimension: Int,
                configuration: DynamicsEnsembleConfiguration = DynamicsEnsembleConfiguration(),
                termination: TerminationFunction, rng: inout RandomGenerator) throws(DynamicsModelError) {
        try configuration.validate()
        guard observationDimension > 0, actionDimension > 0 else {
            throw .invalidConfiguration(field: "dimensions", problem: "observation \(observationDimension) and action \(actionDimension) must be positive")
        }
        guard termination.observationDimension == observationDimension else {
            throw .invalidConfiguration(field: "termination",
                                        problem: "\(termination.name) reads \(termination.observationDimension) entries, observations have \(observationDimension)")
        }
        self.configuration = configuration
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.termination = termination
        network = EnsembleNetwork(inputSize: observationDimension + actionDimension, targetSize: observationDimension + 1,
                                  configuration: configuration, rng: &rng)
        optimizer = DynamicsEnsemble.makeOptimizer(network, configuration)
    }

    /// Adam over every trainable parameter, or for decoupled decay AdamW with layer l's weight and
    /// bias in a group decayed by `weightDecays[l]` and the remaining parameters undecayed.
    static func makeOptimizer(_ network: EnsembleNetwork, _ c: DynamicsEnsembleConfiguration) -> Adam {
        let trainable = network.trainableNamedParameters()
        guard c.weightDecayStyle == .decoupled else {
            return Adam(groups: [ParameterGroup(trainable)], learningRate: c.learningRate)
        }
        var groups = [ParameterGroup]()
        var grouped = Set<ObjectIdentifier>()
        for (layer, decay) in zip(network.linearLayers, c.weightDecays) {
            let members = trainable.filter { $0.variable === layer.weight || $0.variable === layer.bias }
            for p in members { grouped.insert(ObjectIdentifier(p.variable)) }
            groups.append(ParameterGroup(members, weightDecay: decay))
        }
        groups.append(ParameterGroup(trainable.filter { !grouped.contains(ObjectIdentifier($0.variable)) }, weightDecay: 0))
        return AdamW(groups: groups, learningRate: c.learningRate)
    }

    /// Width of a target row, `obs + 1` (Δs then r).
    public var targetDimension: Int { observationDimension + 1 }
    /// The elite member indices (the 5 lowest holdout errors after fitting; `0..<K` before).
    public var elites: [Int] { network.eliteIndices }
    public var eliteCount: Int { configuration.elites }

    /// Forgets weights derived from the parameters; call it after changing ``network``'s
    /// parameters outside ``fit(_:rng:resumingFrom:progress:checkpoint:)`` and ``load(from:)``
    /// (adversarial model training, a restored checkpoint part).
    public func parametersDidChange() { cachedEliteWeights = nil }

    // MARK: - Sampling

    public func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool,
                     rng: inout RandomGenerator) -> ModelStep {
        let rows = checkBatch(observations, actions)
        let d = targetDimension, o = observationDimension
        let elites = self.elites
        let chosen = (0..<rows).map { _ in elites[rng.integer(below: elites.count)] }
        let noise = configuration.probabilistic ? Tensor.normal([rows, d], rng: &rng) : Tensor.zeros([rows, d])
        let input = normalizedInputs(observations, actions)
        var next = Tensor(uninitializedShape: [rows, o]), rewards = Tensor(uninitializedShape: [rows])
        var means: Tensor?, stds: Tensor?
        if memberStatistics {
            let output = EnsembleInference.forward(input, EnsembleWeights(network.network))  // [E, B, W]
            let (m, s) = gaussian(output, observations: observations)                          // [E, B, D] each
            means = m; stds = s
            Self.sample(means: m, stds: s, member: { chosen[$0] }, noise: noise, into: &next, rewards: &rewards)
        } else {
            let output = EnsembleInference.forwardChosen(input, members: chosen, EnsembleWeights(network.network))
            let (m, s) = gaussian(output.reshaped([1, rows, output.shape[1]]), observations: observations)
            Self.sample(means: m, stds: s, member: { _ in 0 }, noise: noise, into: &next, rewards: &rewards)
        }
        let terminals = Tensor(termination(next).map { $0 ? Float(1) : 0 })
        return ModelStep(nextObservations: next, rewards: rewards, terminals: terminals, memberMeans: means,
                         memberStandardDeviations: stds)
    }

    public func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int,
                             rng: inout RandomGenerator) -> EliteSamples {
        let rows = checkBatch(observations, actions)
        precondition(samples > 0, "sampleElites: samples must be positive, got \(samples)")
        if cachedEliteWeights == nil { cachedEliteWeights = EnsembleWeights(network.network, members: elites) }
        let output = EnsembleInference.forward(normalizedInputs(observations, actions), cachedEliteWeights!)
        let (means, stds) = gaussian(output, observations: observations)                      // [K, B, D]
        let k = eliteCount, d = targetDimension, o = observationDimension
        var next = Tensor(uninitializedShape: [samples, k, rows, o])
        var rewards = Tensor(uninitializedShape: [samples, k, rows])
        let noise = configuration.probabilistic ? Tensor.normal([samples, k, rows, d], rng: &rng)
                                                : Tensor.zeros([samples, k, rows, d])
        means.withUnsafeBufferPointer { m in
            stds.withUnsafeBufferPointer { s in
                noise.withUnsafeBufferPointer { z in
                    next.withUnsafeMutableBufferPointer { n in
                        rewards.withUnsafeMutableBufferPointer { r in
                            for sample in 0..<samples {
                                for i in 0..<(k * rows) {
                                    let src = i * d, dst = sample * k * rows + i
                                    let zi = dst * d
                                    for j in 0..<o { n[dst * o + j] = m[src + j] + z[zi + j] * s[src + j] }
                                    r[dst] = m[src + o] + z[zi + o] * s[src + o]
                                }
                            }
                        }
                    }
                }
            }
        }
        return EliteSamples(nextObservations: next, rewards: rewards)
    }

    // MARK: - Helpers

    private func checkBatch(_ observations: Tensor, _ actions: Tensor) -> Int {
        precondition(observations.rank == 2 && observations.shape[1] == observationDimension,
                     "DynamicsEnsemble: observations \(observations.shape), expected [B, \(observationDimension)]")
        precondition(actions.rank == 2 && actions.shape[1] == actionDimension && actions.shape[0] == observations.shape[0],
                     "DynamicsEnsemble: actions \(actions.shape) for observations \(observations.shape)")
        return observations.shape[0]
    }

    /// The model's input: `(concat(s, a) − μ_x) / σ_x` with the fit's scaler, `[B, obs + act]`.
    public func normalizedInputs(_ observations: Tensor, _ actions: Tensor) -> Tensor {
        let rows = observations.shape[0], o = observationDimension, a = actionDimension, w = o + a
        let mean = network.inputMean.value, std = network.inputStd.value
        return Tensor(shape: [rows, w]) { x in
            observations.withUnsafeBufferPointer { s in
                actions.withUnsafeBufferPointer { u in
                    mean.withUnsafeBufferPointer { mu in
                        std.withUnsafeBufferPointer { sd in
                            for r in 0..<rows {
                                for j in 0..<o { x[r * w + j] = (s[r * o + j] - mu[j]) / sd[j] }
                                for j in 0..<a { x[r * w + o + j] = (u[r * a + j] - mu[o + j]) / sd[o + j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Means of `[s', r]` (observation added to Δs) and standard deviations from the raw output
    /// `[M, B, W]`; σ = √exp(log σ²) with the soft-bounded log-variance, or 0 when deterministic.
    /// Members are split across cores for large outputs (each element's arithmetic is the same).
    func gaussian(_ output: Tensor, observations: Tensor) -> (means: Tensor, stds: Tensor) {
        let members = output.shape[0], rows = output.shape[1], width = output.shape[2]
        let d = targetDimension, o = observationDimension, probabilistic = configuration.probabilistic
        var means = Tensor(uninitializedShape: [members, rows, d]), stds = Tensor(uninitializedShape: [members, rows, d])
        let upper = network.maxLogVariance.value.scalars, lower = network.minLogVariance.value.scalars
        // The bounds repeat every d values of a member's contiguous rows·d block (plus a vector's tail).
        let count = rows * d
        let highs = probabilistic ? (0..<(count + 8)).map { upper[$0 % d] } : []
        let lows = probabilistic ? (0..<(count + 8)).map { lower[$0 % d] } : []
        output.withUnsafeBufferPointer { out in
            observations.withUnsafeBufferPointer { s in
                means.withUnsafeMutableBufferPointer { m in
                    stds.withUnsafeMutableBufferPointer { sd in
                        highs.withUnsafeBufferPointer { highs in
                            lows.withUnsafeBufferPointer { lows in
                                let p = GaussianPointers(out: out.baseAddress!, s: s.baseAddress!, m: m.baseAddress!, sd: sd.baseAddress!,
                                                         highs: highs.baseAddress, lows: lows.baseAddress)
                                let body: @Sendable (Int) -> Void = { e in
                                    Self.gaussianMember(e, p, rows: rows, width: width, d: d, o: o, upper: upper,
                                                        probabilistic: probabilistic)
                                }
                                if members > 1 && members * count >= 1 << 15 {
                                    WorkerPool.run(iterations: members, body)
                                } else {
                                    for e in 0..<members { body(e) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (means, stds)
    }

    /// Member e's part of ``gaussian(_:observations:)``: pass 1 writes the means and max_logvar − raw
    /// (the first soft bound's argument) into `sd`; pass 2, eight values at a time, Kit's soft bounds,
    /// log σ² = min + softplus(max − softplus(max − raw) − min), then σ = √exp(log σ²).
    private static func gaussianMember(_ e: Int, _ p: GaussianPointers, rows: Int, width: Int, d: Int, o: Int,
                                       upper: [Float], probabilistic: Bool) {
        for r in 0..<rows {
            let src = (e * rows + r) * width, dst = (e * rows + r) * d
            for j in 0..<d {
                p.m[dst + j] = p.out[src + j] + (j < o ? p.s[r * o + j] : 0)
                p.sd[dst + j] = probabilistic ? upper[j] - p.out[src + d + j] : 0
            }
        }
        guard probabilistic, let highs = p.highs, let lows = p.lows else { return }
        @inline(__always) func bounded(_ argument: SIMD8<Float>, _ k: Int) -> SIMD8<Float> {
            let high = UnsafeRawPointer(highs + k).loadUnaligned(as: SIMD8<Float>.self)
            let low = UnsafeRawPointer(lows + k).loadUnaligned(as: SIMD8<Float>.self)
            let logVariance = low + FastMath.softplus(high - FastMath.softplus(argument) - low)
            return FastMath.exp(logVariance).squareRoot()
        }
        let count = rows * d
        let base = p.sd + e * count
        var k = 0
        while k + 8 <= count {
            let v = UnsafeRawPointer(base + k).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(base + k).storeBytes(of: bounded(v, k), as: SIMD8<Float>.self)
            k += 8
        }
        if k < count {   // the tail through the same lanes, so every value gets the same arithmetic
            var v = SIMD8<Float>(repeating: 0)
            for i in 0..<(count - k) { v[i] = base[k + i] }
            let y = bounded(v, k)
            for i in 0..<(count - k) { base[k + i] = y[i] }
        }
    }

    /// `sample[b] = mean[member(b), b] + noise[b] · std[member(b), b]`, split into s' and r.
    static func sample(means: Tensor, stds: Tensor, member: (Int) -> Int, noise: Tensor,
                       into next: inout Tensor, rewards: inout Tensor) {
        let rows = means.shape[1], d = means.shape[2], o = d - 1
        means.withUnsafeBufferPointer { m in
            stds.withUnsafeBufferPointer { s in
                noise.withUnsafeBufferPointer { z in
                    next.withUnsafeMutableBufferPointer { n in
                        rewards.withUnsafeMutableBufferPointer { r in
                            for b in 0..<rows {
                                let src = (member(b) * rows + b) * d
                                for j in 0..<o { n[b * o + j] = m[src + j] + z[b * d + j] * s[src + j] }
                                r[b] = m[src + o] + z[b * d + o] * s[src + o]
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Raw buffers of ``DynamicsEnsemble/gaussian(_:observations:)`` for its workers (each member
/// writes only its own rows).
private struct GaussianPointers: @unchecked Sendable {
    let out: UnsafePointer<Float>, s: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, sd: UnsafeMutablePointer<Float>
    let highs: UnsafePointer<Float>?, lows: UnsafePointer<Float>?
}
