import Foundation

/// MOREC's dynamics-reward learning (<doc:RewardConsistentDynamics>): GAIL-style adversarial,
/// maximum-entropy inverse RL in which the true dynamics is the "expert" and a Gaussian
/// transition model is the "learner".
///
/// ```
/// warm-up:      φ ← argmin −log P_φ(d̃ | s̃, ã) on the data                          (MLE, step 1)
/// repeat:       D step:  min −E_data[log D(u)] − E_{s,a∼data, d̃∼P_φ}[log(1 − D(u))]  (step 2)
///               P step:  max E[−log(1 − D(u(s̃, ã, μ + σε)))] + α·H(P_φ) − η·NLL      (step 3)
///               α step:  log α ← log α − lr·(H − H_target)                          (auto entropy)
///               every n D steps: snapshot D with E_k = mean ℓ(data), L_k = mean ℓ(P_φ)   (step 4)
/// export:       retained snapshots, every `thinning`-th, averaged in probability   (step 5)
/// ```
/// Everything random draws from one seeded generator; ``saveCheckpoint(to:)`` and
/// ``init(configuration:transitions:resumingFrom:provenance:)`` resume bit for bit.
public final class AdversarialDynamicsRewardLearner: DynamicsRewardLearner {
    /// The settings.
    public let configuration: AdversarialRewardConfiguration
    /// The feature map (data min/max).
    public let features: DynamicsRewardFeatures
    /// P_φ.
    public let generator: GaussianTransitionGenerator
    /// The discriminator being trained, an `MLP(members: 1)`: u → ℓ.
    public let discriminator: MLP
    /// α of the entropy term.
    public let temperature: Temperature
    let generatorOptimizer: Adam, discriminatorOptimizer: Adam, temperatureOptimizer: Adam
    /// Snapshots kept, oldest first.
    public internal(set) var snapshots: [DiscriminatorSnapshot] = []
    public internal(set) var step = 0
    /// The entropy target in effect (set at the end of the warm-up when not configured).
    public internal(set) var targetEntropy: Float?
    /// Provenance written into exported rewards.
    public var provenance: [String: String]

    var rng: RandomGenerator
    /// Normalized training data: `[N, obs + act]` inputs and `[N, obs]` deltas.
    let trainInputs: Tensor, trainDeltas: Tensor
    /// Held-out raw transitions.
    public let holdout: (observations: Tensor, actions: Tensor, nextObservations: Tensor)
    var pending: [String: (sum: Double, count: Int)] = [:]
    /// Called with each log row (step and metric means) as it is written.
    public var logSink: (([String: Double]) throws -> Void)?

    public var totalSteps: Int { configuration.totalSteps }
    var observationDimension: Int { features.observationDimension }

    /// A fresh learner on `observations`, `actions`, `nextObservations` (`[N, obs]`, `[N, act]`, `[N, obs]`).
    /// - Throws: ``MORECError`` for bad settings, too few rows or non-finite data.
    public init(configuration: AdversarialRewardConfiguration = AdversarialRewardConfiguration(),
                observations: Tensor, actions: Tensor, nextObservations: Tensor,
                provenance: [String: String] = [:]) throws {
        try configuration.validate()
        guard observations.rank == 2, nextObservations.shape == observations.shape, actions.rank == 2,
              actions.shape[0] == observations.shape[0] else {
            throw MORECError.invalidInput("transitions: s \(observations.shape), a \(actions.shape), s' \(nextObservations.shape)")
        }
        let n = observations.shape[0]
        let holdoutCount = Swift.min(configuration.maxHoldout, Int(Double(n) * configuration.holdoutFraction))
        guard n - holdoutCount >= Swift.max(configuration.batchSize, 2) else {
            throw MORECError.invalidInput("\(n) transitions leave \(n - holdoutCount) for training, fewer than a batch of \(configuration.batchSize)")
        }
        guard nextObservations.isFinite else { throw MORECError.invalidInput("next observations hold NaN or infinite values") }
        self.configuration = configuration
        self.provenance = provenance
        var root = RandomGenerator(seed: configuration.seed)
        var splitRNG = root.split(), initRNG = root.split()
        rng = root
        let order = splitRNG.permutation(n)
        let holdoutRows = Array(order.prefix(holdoutCount)), trainRows = Array(order.dropFirst(holdoutCount))
        let s = observations.gather(trainRows, axis: 0), a = actions.gather(trainRows, axis: 0)
        let sn = nextObservations.gather(trainRows, axis: 0)
        features = try DynamicsRewardFeatures(observations: s, actions: a)
        trainInputs = features.normalizedInputs(observations: s, actions: a)
        trainDeltas = features.normalizedDeltas(observations: s, nextObservations: sn)
        holdout = (observations.gather(holdoutRows, axis: 0), actions.gather(holdoutRows, axis: 0),
                   nextObservations.gather(holdoutRows, axis: 0))
        let o = features.observationDimension, w = features.width
        generator = GaussianTransitionGenerator(inputDimension: w - o, outputDimension: o,
                                                hiddenSizes: configuration.generatorHiddenSizes, rng: &initRNG)
        discriminator = MLP([w] + configuration.discriminatorHiddenSizes + [1], activation: .relu, members: 1, rng: &initRNG)
        temperature = Temperature(alpha: configuration.initialEntropyCoefficient)
        targetEntropy = configuration.targetEntropy
        generatorOptimizer = Adam(generator.namedParameters(), learningRate: configuration.generatorLearningRate)
        discriminatorOptimizer = Adam(discriminator.namedParameters(), learningRate: configuration.discriminatorLearningRate)
        temperatureOptimizer = Adam(temperature.namedParameters(), learningRate: configuration.entropyLearningRate)
    }

    /// A learner on a dataset's transitions (`dynamicsTransitions()`: s, a, s').
    public convenience init(configuration: AdversarialRewardConfiguration = AdversarialRewardConfiguration(),
                            transitions: Transitions, provenance: [String: String] = [:]) throws {
        try self.init(configuration: configuration, observations: transitions.observations, actions: transitions.actions,
                      nextObservations: transitions.nextObservations, provenance: provenance)
    }

    /// `warmup` before ``AdversarialRewardConfiguration/warmupSteps`` updates, `adversarial` after.
    public var phase: String { step < configuration.warmupSteps ? "warmup" : "adversarial" }

    // MARK: - Training

    public func train(stopAfter: Int? = nil, progress: ((DynamicsRewardProgress) -> Void)? = nil) throws {
        try train(stopAfter: stopAfter, checkpoint: nil, progress: progress)
    }

    /// Trains, writing a checkpoint through `checkpoint` every ``AdversarialRewardConfiguration/checkpointInterval``
    /// updates and at the end. Holds OpenBLAS at one thread while it runs, as the trainers do.
    public func train(stopAfter: Int?, checkpoint: ((AdversarialDynamicsRewardLearner) throws -> Void)?,
                      progress: ((DynamicsRewardProgress) -> Void)?) throws {
        BLASRuntime.beginSingleThreaded()   // as the trainers: products split across cores, bits independent of other threads
        defer { BLASRuntime.endSingleThreaded() }
        let stop = Swift.min(stopAfter ?? totalSteps, totalSteps)
        let start = monotonicSeconds(), stepsAtStart = step
        var lastReport = start
        while step < stop {
            if step == configuration.warmupSteps { beginAdversarialPhase() }
            if step < configuration.warmupSteps { warmupUpdate() } else { adversarialUpdate() }
            step += 1
            if step % configuration.logInterval == 0 || step == totalSteps { try writeLogRow() }
            if step % configuration.checkpointInterval == 0 || step == totalSteps { try checkpoint?(self) }
            let now = monotonicSeconds()
            if let progress, now - lastReport >= 2 || step == stop {
                progress(DynamicsRewardProgress(step: step, totalSteps: totalSteps,
                                                stepsPerSecond: Double(step - stepsAtStart) / Swift.max(now - start, 1e-9),
                                                phase: phase, metrics: pending.mapValues { $0.sum / Double($0.count) }))
                lastReport = now
            }
        }
    }

    func record(_ key: String, _ value: Float) {
        let old = pending[key] ?? (0, 0)
        pending[key] = (old.sum + Double(value), old.count + 1)
    }

    func writeLogRow() throws {
        var row = pending.mapValues { $0.sum / Double($0.count) }
        row["step"] = Double(step)
        row["snapshots"] = Double(snapshots.count)
        row["alpha"] = Double(alpha)
        pending = [:]
        try logSink?(row)
    }

    /// α = exp(log α).
    public var alpha: Float { temperature.logAlpha.value.exp().scalars[0] }

    /// A batch of training rows: inputs `[B, obs + act]`, deltas `[B, obs]`.
    func sampleBatch(_ count: Int) -> (inputs: Tensor, deltas: Tensor) {
        let n = trainInputs.shape[0]
        let rows = (0..<count).map { _ in rng.integer(below: n) }
        return (trainInputs.gather(rows, axis: 0), trainDeltas.gather(rows, axis: 0))
    }

    /// u = [x, d̃] as a graph node.
    func discriminatorLogits(inputs: Variable, deltas: Variable) -> Variable {
        let u = Variable.concatenate([inputs, deltas], axis: 1)
        return discriminator(u).reshaped([inputs.shape[0]])
    }

    /// Maximum-likelihood update of P_φ (step 1).
    func warmupUpdate() {
        let batch = sampleBatch(configuration.batchSize)
        let loss = generator.negativeLogLikelihood(Variable(batch.inputs), targets: batch.deltas)
        generatorOptimizer.minimize(loss)
        record("nll", loss.scalar)
    }

    /// End of the warm-up: the generator's entropy on data becomes the target when none is set,
    /// and the generator switches to its adversarial learning rate.
    func beginAdversarialPhase() {
        generatorOptimizer.learningRate = configuration.adversarialGeneratorLearningRate
        if targetEntropy == nil {
            let rows = Swift.min(trainInputs.shape[0], 4_096)
            let (_, logStd) = generator.distribution(Variable(trainInputs.slice(0..<rows, axis: 0)))
            targetEntropy = Self.entropyPerDimension(meanLogStd: logStd.value.mean())
        }
    }

    /// Per-dimension entropy of a Gaussian, `log σ + ½ log(2πe)`.
    static func entropyPerDimension(meanLogStd: Float) -> Float { meanLogStd + 0.5 * logf(2 * Float.pi * expf(1)) }

    /// One discriminator, generator and temperature update (steps 2–3).
    func adversarialUpdate() {
        let batch = sampleBatch(configuration.batchSize)
        let inputs = Variable(batch.inputs)
        let b = batch.inputs.shape[0], o = observationDimension

        // D step: data labelled 1, generator samples labelled 0 (BCE on logits).
        let noise = Tensor.normal([b, o], rng: &rng)
        let (mean, logStd) = generator.distribution(inputs)
        let fake = (mean.value + logStd.value.exp() * noise)
        let realLogits = discriminatorLogits(inputs: inputs, deltas: Variable(batch.deltas))
        let fakeLogits = discriminatorLogits(inputs: inputs, deltas: Variable(fake))
        let dLoss = (-realLogits).softplus().mean() + fakeLogits.softplus().mean()
        discriminatorOptimizer.minimize(dLoss)

        // P step: maximize r = −log(1 − D) = softplus(ℓ) through the reparameterized sample,
        // plus α·H and the likelihood anchor.
        // (P_φ is unchanged by the D step, so its forward pass above is reused.)
        let alpha = self.alpha
        let (mean2, logStd2) = (mean, logStd)
        let sample = mean2 + logStd2.exp() * Variable(noise)
        let reward = discriminatorLogits(inputs: inputs, deltas: sample).softplus().mean()
        let entropy = logStd2.mean() + 0.5 * logf(2 * Float.pi * expf(1))
        let z = (Variable(batch.deltas) - mean2) * (-logStd2).exp()
        let nll = (z.square() * 0.5 + logStd2).mean()
        let gLoss = -reward - entropy * alpha + nll * configuration.likelihoodWeight
        generatorOptimizer.minimize(gLoss)
        discriminator.zeroGrad()

        // α step: raise α when the entropy is under its target.
        if configuration.automaticEntropyTuning, let target = targetEntropy {
            let alphaLoss = temperature.logAlpha * (entropy.scalar - target)
            temperatureOptimizer.minimize(alphaLoss.mean())
        }

        let real = realLogits.value, fakeValue = fakeLogits.value
        record("d_loss", dLoss.scalar)
        record("d_accuracy", Float(real.scalars.filter { $0 > 0 }.count + fakeValue.scalars.filter { $0 < 0 }.count) / Float(2 * b))
        record("logit_data", real.mean())
        record("logit_generator", fakeValue.mean())
        record("g_reward", reward.scalar)
        record("entropy", entropy.scalar)
        record("nll", nll.scalar)
        record("generator_mse", (mean2.value - batch.deltas).square().mean())

        let adversarialStep = step + 1 - configuration.warmupSteps
        if adversarialStep % configuration.snapshotInterval == 0 { takeSnapshot() }
    }

    /// Snapshot of D with E_k (mean logit on data) and L_k (mean logit on generator samples) (step 4).
    func takeSnapshot() {
        let batch = sampleBatch(configuration.calibrationRows)
        let inputs = Variable(batch.inputs)
        let (mean, logStd) = generator.distribution(inputs)
        let fake = mean.value + logStd.value.exp() * Tensor.normal(mean.shape, rng: &rng)
        let expert = discriminatorLogits(inputs: inputs, deltas: Variable(batch.deltas)).value.mean()
        let learner = discriminatorLogits(inputs: inputs, deltas: Variable(fake)).value.mean()
        snapshots.append(DiscriminatorSnapshot(parameters: discriminator.parameterValues(), expertLogit: expert,
                                               learnerLogit: learner, step: step + 1))
        if snapshots.count > configuration.retainedSnapshots { snapshots.removeFirst(snapshots.count - configuration.retainedSnapshots) }
        record("snapshot_gap", expert - learner)
    }

    // MARK: - Export

    /// The snapshots exported: every `thinning`-th of the retained ones, the newest included.
    public var exportedSnapshots: [DiscriminatorSnapshot] {
        let count = snapshots.count, k = configuration.thinning
        return snapshots.indices.filter { (count - 1 - $0) % k == 0 }.map { snapshots[$0] }
    }

    public func reward() throws -> DynamicsRewardEnsemble {
        let chosen = exportedSnapshots
        guard !chosen.isEmpty else {
            throw MORECError.invalidInput("no discriminator snapshot yet (step \(step); the first comes \(configuration.snapshotInterval) adversarial updates after the \(configuration.warmupSteps)-update warm-up)")
        }
        var info = provenance
        info["learner"] = "adversarial"
        info["step"] = String(step)
        info["snapshot_steps"] = chosen.map { String($0.step) }.joined(separator: " ")
        return DynamicsRewardEnsemble(features: features, hiddenSizes: configuration.discriminatorHiddenSizes,
                                      snapshots: chosen, provenance: info)
    }

    /// Mean-generator next states for raw `(s, a)`: s' = s + μ_φ / scale (the plain MLE-style prediction).
    public func generatorMeanNextObservations(observations: Tensor, actions: Tensor) -> Tensor {
        let (mean, _) = generator.distribution(Variable(features.normalizedInputs(observations: observations, actions: actions)))
        let scale = features.affine().obsScale, o = observationDimension
        return Tensor(shape: observations.shape) { n in
            observations.withUnsafeBufferPointer { s in
                mean.value.withUnsafeBufferPointer { m in
                    for i in 0..<n.count { n[i] = s[i] + m[i] / scale[i % o] }
                }
            }
        }
    }
}
