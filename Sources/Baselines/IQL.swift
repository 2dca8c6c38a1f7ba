/// IQL: implicit Q-learning (Kostrikov, Nair, Levine, "Offline Reinforcement Learning with Implicit
/// Q-Learning", ICLR 2022), model-free, as OfflineRL-Kit runs it (`offlinerlkit/policy/model_free/iql.py`,
/// `run_example/run_iql.py`) after the official code (`ikostrikov/implicit_q_learning`): the recipe
/// (`orl train --algo iql`), the plug-in factory and the agent factory in one place. Its learner is
/// ``IQLAgent``, not SAC.
///
/// Settings: τ = 0.7 and β = 3 for every D4RL-Gym task (Kit's "suggested hypers"; the paper's
/// appendix for MuJoCo), weights clipped at 100, rewards scaled by 1000/(max − min trajectory
/// return), 2 critics, V and π of 2 × 256, learning rates 3e-4, the actor's cosine decay over
/// 1,000 epochs, γ = 0.99, τ_p = 0.005, batch 256, 1,000 epochs of 1,000 updates.
public struct IQL: OfflineAlgorithmRecipe, OfflineAgentFactory {
    /// IQL's settings, stored under `plugIns.iql`.
    public typealias Settings = IQLSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "iql" }
    public var key: String { "iql" }
    public var summary: String { "IQL (Kostrikov et al. 2022): model-free expectile value learning with advantage-weighted extraction" }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        c.useRealDataOnly()
        c.sac = TD3BCSettings.kitLearner              // the same learner settings (run_iql.py)
        c.cosineActorSchedule = true                  // lr_decay: CosineAnnealingLR(actor_optim, 1000 epochs)
        c.setPlugInSettings(key, IQLSettings())
        c.apply(preset)
        c.setPaperEpochs(1000, preset: preset)
        c.cosineScheduleEpochs = 1000
        return c
    }

    public func makePlugIn(settings: IQLSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate()
        return AgentOnlyPlugIn()
    }

    public func makeAgent(settings: IQLSettings, configuration: OfflineTrainingConfiguration, context: OfflineAgentContext,
                          rng: inout RandomGenerator) throws -> any OfflineAgent {
        try settings.validate()
        let scale = settings.normalizeRewards ? context.realData.map(IQLAgent.rewardScale(of:)) ?? 1 : 1
        return IQLAgent(observationDimension: context.observationDimension, actionDimension: context.actionDimension,
                        configuration: configuration.sac, settings: settings, rewardScale: scale, rng: &rng)
    }
}

/// IQL's settings (`plugIns.iql`); network widths, learning rates, γ, τ_p and the number of
/// critics are the configuration's `sac` group.
public struct IQLSettings: DefaultedSettings {
    /// τ, the expectile of the value loss (0.7 for MuJoCo).
    public var expectile: Float = 0.7
    /// β, the inverse temperature of the advantage weights (3.0 for MuJoCo).
    public var temperature: Float = 3
    /// The clip of exp(β·A) (100).
    public var maximumWeight: Float = 100
    /// Scale rewards by 1000/(max − min trajectory return) (the MuJoCo setting).
    public var normalizeRewards: Bool = true

    /// The MuJoCo settings.
    public init() {}

    /// Checks the ranges.
    /// - Throws: `OfflineTrainingError.invalidConfiguration(_:)` naming the bad key.
    func validate() throws(OfflineTrainingError) {
        guard expectile > 0 && expectile < 1 else { throw .invalidConfiguration("plugIns.iql.expectile must be in (0, 1), got \(expectile)") }
        guard temperature.isFinite && temperature >= 0 else {
            throw .invalidConfiguration("plugIns.iql.temperature must be finite and ≥ 0, got \(temperature)")
        }
        guard maximumWeight.isFinite && maximumWeight > 0 else {
            throw .invalidConfiguration("plugIns.iql.maximumWeight must be positive, got \(maximumWeight)")
        }
    }
}
