/// MOBILE: model-Bellman inconsistency penalized offline policy optimization (Sun et al.,
/// "Model-Bellman Inconsistency for Model-based Offline Reinforcement Learning", ICML 2023, PMLR
/// 202:33177–33194), as OfflineRL-Kit runs it (`offlinerlkit/policy/model_based/mobile.py`,
/// `run_example/run_mobile.py`) and the official repository configures it (`yihaosun1124/mobile`
/// `configs/gym/*.py`): the recipe (`orl train --algo mobile`) and the plug-in in one place.
///
/// Rollouts are unpenalised; instead the critic's targets on model rows subtract β times the
/// spread, across the elite models, of the bootstrapped value (the paper's eq. for the
/// Bellman-inconsistency uncertainty; ``BellmanInconsistencyPenalty``).
public struct MOBILE: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// MOBILE's settings, stored under `plugIns.mobile`.
    public typealias Settings = MOBILEConfiguration

    /// Creates the algorithm.
    public init() {}

    public var name: String { "mobile" }
    public var key: String { "mobile" }
    public var summary: String { "MOBILE (Sun et al. 2023): Bellman-inconsistency penalty on the critic targets" }

    /// A task's settings: β and the loop and SAC settings the official configuration changes for it.
    public struct Task: Sendable, Equatable {
        /// β.
        public var penaltyCoefficient: Float
        /// Rollout horizon h (5 for most tasks, 1 for walker2d-medium-replay/-expert).
        public var rolloutHorizon: Int = 5
        /// Fraction of each batch from real data (0.05; 0.5 for halfcheetah-medium-expert).
        public var realRatio: Double = 0.05
        /// A fixed temperature α instead of automatic tuning (`auto_alpha False`, α = 0.2), or `nil`.
        public var fixedAlpha: Float? = nil
        /// The dynamics training's epoch cap (`dynamics_max_epochs`), or `nil` for none.
        public var dynamicsMaxEpochs: Int? = nil
    }

    /// The official per-task configurations (`yihaosun1124/mobile` `configs/gym/*.py`), keyed by
    /// `environment-quality`. Kit's `run_mobile.py` docstring differs only on
    /// halfcheetah-medium-expert (β 2.0, real ratio 0.05).
    public static let tasks: [String: Task] = [
        "halfcheetah-random": Task(penaltyCoefficient: 0.5),
        "hopper-random": Task(penaltyCoefficient: 5.0),
        "walker2d-random": Task(penaltyCoefficient: 2.0),
        "halfcheetah-medium": Task(penaltyCoefficient: 0.5),
        "hopper-medium": Task(penaltyCoefficient: 1.5, fixedAlpha: 0.2),
        "walker2d-medium": Task(penaltyCoefficient: 0.5, dynamicsMaxEpochs: 30),
        "halfcheetah-medium-replay": Task(penaltyCoefficient: 0.1),
        "hopper-medium-replay": Task(penaltyCoefficient: 0.1, fixedAlpha: 0.2),
        "walker2d-medium-replay": Task(penaltyCoefficient: 0.5, rolloutHorizon: 1),
        "halfcheetah-medium-expert": Task(penaltyCoefficient: 1.0, realRatio: 0.5),
        "hopper-medium-expert": Task(penaltyCoefficient: 1.5),
        "walker2d-medium-expert": Task(penaltyCoefficient: 1.5, rolloutHorizon: 1),
    ]

    /// The task's entry, or β = 1 (a middle value of the table, not a paper default) for other datasets.
    public static func task(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(penaltyCoefficient: MOBILEConfiguration().penaltyCoefficient)
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        let task = Self.task(for: dataset)
        c.rolloutHorizon = task.rolloutHorizon
        c.realRatio = task.realRatio
        if let alpha = task.fixedAlpha {
            c.sac.automaticEntropyTuning = false
            c.sac.initialAlpha = alpha
        }
        c.dynamics.maxEpochs = task.dynamicsMaxEpochs
        c.setPlugInSettings(key, MOBILEConfiguration(penaltyCoefficient: task.penaltyCoefficient))
        c.apply(preset)
        return c
    }

    public func makePlugIn(settings: MOBILEConfiguration, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard settings.penaltyCoefficient.isFinite && settings.penaltyCoefficient >= 0 else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.mobile.penaltyCoefficient must be finite and ≥ 0, got \(settings.penaltyCoefficient)")
        }
        guard settings.samples >= 1 else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.mobile.samples must be positive, got \(settings.samples)")
        }
        return MOBILEPlugIn(settings: settings)
    }
}

/// MOBILE's settings (`plugIns.mobile`); the horizon and real ratio are the loop's.
public struct MOBILEConfiguration: DefaultedSettings {
    /// β, the weight of the Bellman-inconsistency penalty in the target (per task in ``MOBILE/tasks``).
    public var penaltyCoefficient: Float = 1.0
    /// Next-state samples per elite model for the penalty (Kit `num_samples` 10).
    public var samples: Int = 10
    /// Bootstrap without the entropy term, `y = r − β·u + γ(1 − d)·minᵢ Q̄ᵢ(s', a')` (Kit's
    /// `deterministic_backup=True` for D4RL; the official NeoRL configs use `false`).
    public var deterministicBackup: Bool = true

    /// The defaults.
    public init() {}

    /// Settings with weight β.
    public init(penaltyCoefficient: Float, samples: Int = 10, deterministicBackup: Bool = true) {
        self.penaltyCoefficient = penaltyCoefficient
        self.samples = samples
        self.deterministicBackup = deterministicBackup
    }
}

/// Installs MOBILE's Bellman-inconsistency penalty as the agent's target adjustment.
final class MOBILEPlugIn: OfflinePlugIn {
    let settings: MOBILEConfiguration
    init(settings: MOBILEConfiguration) { self.settings = settings }
    func install(on trainer: OfflineTrainer) throws {
        guard let model = trainer.model else {
            throw OfflineTrainingError.invalidConfiguration("mobile's penalty samples the dynamics model, but dynamicsSource is none")
        }
        try trainer.install(targetAdjustment: BellmanInconsistencyPenalty(model: model, configuration: settings), by: "mobile")
    }
}
