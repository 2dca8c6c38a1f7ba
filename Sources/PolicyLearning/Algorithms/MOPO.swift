/// MOPO: model-based offline policy optimization (Yu et al., "MOPO: Model-based Offline Policy
/// Optimization", NeurIPS 2020), as OfflineRL-Kit runs it (`offlinerlkit/policy/model_based/mopo.py`,
/// `run_example/run_mopo.py`): the recipe (`orl train --algo mopo`) and the plug-in in one place.
///
/// MOPO is SAC on a mix of real and model data whose model rewards carry an uncertainty penalty,
/// applied as the rollout stores them (``DynamicsModels/MOPOPenalty``, §4 eq. (5)):
/// ```
/// r̃(s, a) = r(s, a) − λ·u(s, a),   u(s, a) = max_e ‖σ_e(s, a)‖₂   (§4.3, Kit "aleatoric")
/// ```
/// Everything else (rollouts of horizon h every 1000 steps, 5 % real data, SAC with Kit's
/// offline settings) is the shared loop of ``OfflineTrainer``.
public struct MOPO: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// MOPO's settings, stored under `plugIns.mopo`.
    public typealias Settings = MOPOConfiguration

    /// Creates the algorithm.
    public init() {}

    public var name: String { "mopo" }
    public var key: String { "mopo" }
    public var summary: String { "MOPO (Yu et al. 2020): reward penalty from the ensemble's predicted deviation" }

    /// One task's settings: λ and the rollout horizon h.
    public struct Task: Sendable, Equatable {
        /// λ.
        public var penaltyCoefficient: Float
        /// h.
        public var rolloutHorizon: Int
    }

    /// Kit's "suggested hypers" per D4RL task (the docstring of `run_example/run_mopo.py`), keyed
    /// by `environment-quality` (the dataset name without its `-v2`/`-orl` suffix).
    public static let tasks: [String: Task] = [
        "halfcheetah-medium": Task(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "hopper-medium": Task(penaltyCoefficient: 5.0, rolloutHorizon: 5),
        "walker2d-medium": Task(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "halfcheetah-medium-replay": Task(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "hopper-medium-replay": Task(penaltyCoefficient: 2.5, rolloutHorizon: 5),
        "walker2d-medium-replay": Task(penaltyCoefficient: 2.5, rolloutHorizon: 1),
        "halfcheetah-medium-expert": Task(penaltyCoefficient: 2.5, rolloutHorizon: 5),
        "hopper-medium-expert": Task(penaltyCoefficient: 5.0, rolloutHorizon: 5),
        "walker2d-medium-expert": Task(penaltyCoefficient: 2.5, rolloutHorizon: 1),
    ]

    /// The task's settings, or the script's defaults (λ = 2.5, h = 1) for other datasets.
    public static func task(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(penaltyCoefficient: MOPOConfiguration().penaltyCoefficient, rolloutHorizon: 1)
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        let task = Self.task(for: dataset)
        c.rolloutHorizon = task.rolloutHorizon
        c.setPlugInSettings(key, MOPOConfiguration(penaltyCoefficient: task.penaltyCoefficient))
        c.apply(preset)
        return c
    }

    public func makePlugIn(settings: MOPOConfiguration, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard settings.penaltyCoefficient.isFinite && settings.penaltyCoefficient >= 0 else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.mopo.penaltyCoefficient must be finite and ≥ 0, got \(settings.penaltyCoefficient)")
        }
        return MOPOPlugIn(settings: settings)
    }
}

/// MOPO's settings (`plugIns.mopo`); the horizon and real ratio are the loop's.
public struct MOPOConfiguration: DefaultedSettings {
    /// λ, the penalty weight (Kit's script default 2.5; per task in ``MOPO/tasks``).
    public var penaltyCoefficient: Float = 2.5

    /// The script default (λ = 2.5).
    public init() {}

    /// Settings with weight λ.
    public init(penaltyCoefficient: Float) { self.penaltyCoefficient = penaltyCoefficient }

    /// The reward penalty MOPO adds to rollouts.
    public var penalty: MOPOPenalty { MOPOPenalty(coefficient: penaltyCoefficient) }
}

/// Installs MOPO's reward penalty on the rollouts.
final class MOPOPlugIn: OfflinePlugIn {
    let settings: MOPOConfiguration
    init(settings: MOPOConfiguration) { self.settings = settings }
    func install(on trainer: OfflineTrainer) throws { try trainer.install(penalty: settings.penalty, by: "mopo") }
}
