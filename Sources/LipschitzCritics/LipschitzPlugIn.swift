/// The Lipschitz-critics module as a plug-in of the shared offline trainer: it adds the configured
/// ``AdversarialStateNoise`` and ``GradientPenalty`` to the agent's critic regularizers (spectral
/// normalization is already in the critic's layers, built from `sac.criticSpectralNorm`), and
/// logs ``LipschitzEstimate`` columns at every evaluation.
///
/// The diagnostics draw their rows from the dataset with their own generator seeded by the run's
/// seed and step, so they never change the training stream: a run with diagnostics only trains
/// exactly as the run without the module.
public final class LipschitzPlugIn: OfflinePlugIn {
    /// The settings.
    public let settings: LipschitzSettings
    /// The regularizers installed (after ``install(on:)``).
    public private(set) var regularizers: [any CriticRegularizer] = []

    /// Creates the plug-in.
    public init(settings: LipschitzSettings) { self.settings = settings }

    /// Adds the regularizers.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` for out-of-range settings.
    public func install(on trainer: OfflineTrainer) throws {
        let agent = try trainer.sacAgent(for: LipschitzSettings.key)
        try settings.validate()
        if let adversarial = settings.adversarialNoise {
            let noise = AdversarialStateNoise(settings: adversarial, stateScale: Self.stateStandardDeviation(trainer.realBuffer))
            regularizers.append(noise)
        }
        if let penalty = settings.gradientPenalty { regularizers.append(GradientPenalty(settings: penalty)) }
        agent.criticRegularizers += regularizers
    }

    /// ``LipschitzEstimate/columns`` on `diagnostics.batchSize` dataset rows.
    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] {
        guard let agent = trainer.sacAgent else { return [:] }
        var rng = RandomGenerator(seed: trainer.configuration.seed &* 0x9E37_79B9 &+ UInt64(trainer.step))
        var batch = TransitionBatch(batchSize: settings.diagnostics.batchSize, observationDimension: trainer.realBuffer.observationDimension,
                                    actionDimension: trainer.realBuffer.actionDimension)
        trainer.realBuffer.sample(into: &batch, rng: &rng)
        guard let estimate = try? LipschitzEstimate(critics: agent.critics, observations: batch.observations,
                                                    actions: batch.actions) else { return [:] }
        return estimate.columns
    }

    /// The per-dimension standard deviation of the buffer's observations, `[obs]` (the unit of ε).
    public static func stateStandardDeviation(_ buffer: ReplayBuffer) -> Tensor {
        let observations = buffer.orderedTransitions().observations                 // [n, obs]
        let mean = observations.mean(axis: 0, keepDims: true)
        return (observations - mean).square().mean(axis: 0).sqrt()
    }
}

/// Builds ``LipschitzPlugIn`` from `plugIns["lipschitz"]`.
public struct LipschitzPlugInFactory: OfflinePlugInFactory {
    /// The settings type.
    public typealias Settings = LipschitzSettings

    /// Creates the factory.
    public init() {}

    /// `"lipschitz"`.
    public var key: String { LipschitzSettings.key }

    /// The plug-in for `settings`.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` for out-of-range settings.
    public func makePlugIn(settings: LipschitzSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate()
        return LipschitzPlugIn(settings: settings)
    }
}
