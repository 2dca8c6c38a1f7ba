/// TD3+BC (Fujimoto and Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS
/// 2021), model-free, as OfflineRL-Kit runs it (`offlinerlkit/policy/model_free/td3bc.py`,
/// `run_example/run_td3bc.py`): the recipe (`orl train --algo td3bc`), the plug-in factory and the
/// agent factory in one place. Its learner is ``TD3BCAgent``, not SAC.
///
/// Kit's settings: 2 critics and the actor of 2 × 256, learning rates 3e-4, γ = 0.99, τ = 0.005,
/// batch 256, policy noise 0.2 clipped at 0.5, actor every 2 updates, α = 2.5 for every D4RL-Gym
/// task ("suggested hypers"), states standardized with the dataset's mean and standard deviation
/// (+ 1e-3), 1,000 epochs of 1,000 updates, no learning-rate schedule.
public struct TD3BC: OfflineAlgorithmRecipe, OfflineAgentFactory {
    /// TD3+BC's settings, stored under `plugIns.td3bc`.
    public typealias Settings = TD3BCSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "td3bc" }
    public var key: String { "td3bc" }
    public var summary: String { "TD3+BC (Fujimoto & Gu 2021): model-free TD3 with a normalised behaviour-cloning term" }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        c.useRealDataOnly()
        c.sac = TD3BCSettings.kitLearner
        c.cosineActorSchedule = false
        c.setPlugInSettings(key, TD3BCSettings())
        c.apply(preset)
        c.setPaperEpochs(1000, preset: preset)
        return c
    }

    public func makePlugIn(settings: TD3BCSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate(critics: configuration.sac.critics)
        return AgentOnlyPlugIn()
    }

    public func makeAgent(settings: TD3BCSettings, configuration: OfflineTrainingConfiguration, context: OfflineAgentContext,
                          rng: inout RandomGenerator) throws -> any OfflineAgent {
        try settings.validate(critics: configuration.sac.critics)
        let normalizer = settings.normalizeStates
            ? context.realData.map { Normalizer(fitting: $0.orderedTransitions().observations, epsilon: 1e-3) } : nil
        return TD3BCAgent(observationDimension: context.observationDimension, actionDimension: context.actionDimension,
                          configuration: configuration.sac, settings: settings, normalizer: normalizer, rng: &rng)
    }
}

/// TD3+BC's settings (`plugIns.td3bc`); network widths, learning rates, γ, τ and the number of
/// critics are the configuration's `sac` group.
public struct TD3BCSettings: DefaultedSettings {
    /// α of λ = α / mean|Q| (the paper's and Kit's 2.5).
    public var alpha: Float = 2.5
    /// σ of the target policy smoothing noise (0.2).
    public var policyNoise: Float = 0.2
    /// c, the clip of that noise (0.5).
    public var noiseClip: Float = 0.5
    /// d: the actor and targets update every d-th update (2).
    public var policyDelay: Int = 2
    /// σ of the exploration noise of stochastic actions (model rollouts only; Kit 0.1).
    public var explorationNoise: Float = 0.1
    /// Standardize states with the dataset's statistics (Kit `buffer.normalize_obs()`: std + 1e-3).
    public var normalizeStates: Bool = true

    /// The paper's settings.
    public init() {}

    /// Kit's learner: 2 critics, 2 × 256 networks, learning rates 3e-4 (`run_td3bc.py`).
    public static var kitLearner: SACConfiguration {
        var sac = SACConfiguration()
        sac.hiddenSizes = [256, 256]
        sac.critics = 2
        sac.actorLearningRate = 3e-4
        sac.criticLearningRate = 3e-4
        return sac
    }

    /// Checks the ranges.
    /// - Throws: `OfflineTrainingError.invalidConfiguration(_:)` naming the bad key.
    func validate(critics: Int) throws(OfflineTrainingError) {
        for (name, value) in [("alpha", alpha), ("policyNoise", policyNoise), ("noiseClip", noiseClip), ("explorationNoise", explorationNoise)] {
            guard value.isFinite && value >= 0 else { throw .invalidConfiguration("plugIns.td3bc.\(name) must be finite and ≥ 0, got \(value)") }
        }
        guard policyDelay >= 1 else { throw .invalidConfiguration("plugIns.td3bc.policyDelay must be positive, got \(policyDelay)") }
        guard critics >= 1 else { throw .invalidConfiguration("td3bc needs at least one critic, got sac.critics = \(critics)") }
    }
}

/// The plug-in of an algorithm that is its agent: nothing to install on the loop.
final class AgentOnlyPlugIn: OfflinePlugIn {
    func install(on trainer: OfflineTrainer) throws {}
}
