import RAVL

/// EDAC: ensemble-diversified actor-critic (An, Moon, Kim, Song, "Uncertainty-Based Offline
/// Reinforcement Learning with Diversified Q-Ensemble", NeurIPS 2021), model-free, as OfflineRL-Kit
/// runs it (`offlinerlkit/policy/model_free/edac.py`, `run_example/run_edac.py`): the recipe
/// (`orl train --algo edac`) and the plug-in in one place.
///
/// SAC-N on the dataset alone: N critics with the minimum over all N in the target and the actor
/// objective (the shared `SACAgent`) plus η times the diversity term of the
/// critics' action-gradients (eq. (5); RAVL's `EnsembleDiversityRegularizer`, the same
/// computation as Kit's `learn`). Kit's settings: 3 × 256 networks, actor lr 1e-4, critic lr 3e-4,
/// α auto-tuned from 1 (lr 1e-4) and clamped to [0, 1], the entropy term kept in the target,
/// 3,000 epochs of 1,000 updates; N and η per task (``tasks``).
public struct EDAC: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// EDAC's settings, stored under `plugIns.edac`.
    public typealias Settings = EDACSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "edac" }
    public var key: String { "edac" }
    public var summary: String { "EDAC (An et al. 2021): model-free SAC-N with the ensemble diversity term" }

    /// One task's settings: the number of critics N and the weight η.
    public struct Task: Sendable, Equatable {
        /// N.
        public var critics: Int
        /// η.
        public var eta: Float

        /// Creates a row.
        public init(critics: Int, eta: Float) {
            self.critics = critics
            self.eta = eta
        }
    }

    /// Kit's "suggested hypers" (the docstring of `run_example/run_edac.py`), keyed by
    /// `environment-quality`.
    public static let tasks: [String: Task] = [
        "halfcheetah-medium": Task(critics: 10, eta: 1),
        "hopper-medium": Task(critics: 50, eta: 1),
        "walker2d-medium": Task(critics: 10, eta: 1),
        "halfcheetah-medium-replay": Task(critics: 10, eta: 1),
        "hopper-medium-replay": Task(critics: 50, eta: 1),
        "walker2d-medium-replay": Task(critics: 10, eta: 1),
        "halfcheetah-medium-expert": Task(critics: 10, eta: 5),
        "hopper-medium-expert": Task(critics: 50, eta: 1),
        "walker2d-medium-expert": Task(critics: 10, eta: 5),
    ]

    /// The task's settings, or N = 10, η = 1 (the most common row) for other datasets.
    public static func task(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(critics: 10, eta: 1)
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        let task = Self.task(for: dataset)
        c.useRealDataOnly()
        c.sac = OfflineTrainingConfiguration.kitConservativeSAC(clampAlpha: true)
        c.sac.critics = task.critics
        c.cosineActorSchedule = false
        c.setPlugInSettings(key, EDACSettings(eta: task.eta))
        c.apply(preset)
        c.setPaperEpochs(3000, preset: preset)
        return c
    }

    public func makePlugIn(settings: EDACSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard settings.eta.isFinite && settings.eta >= 0 else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.edac.eta must be finite and ≥ 0, got \(settings.eta)")
        }
        guard settings.eta == 0 || configuration.sac.critics >= 2 else {
            throw OfflineTrainingError.invalidConfiguration(
                "plugIns.edac.eta = \(settings.eta) needs sac.critics ≥ 2 (the diversity term compares critics), got \(configuration.sac.critics)")
        }
        return EDACPlugIn(eta: settings.eta)
    }
}

/// EDAC's settings (`plugIns.edac`); N is `SACConfiguration.critics`.
public struct EDACSettings: DefaultedSettings {
    /// η, the diversity term's weight (Kit's script default 1.0; per task in ``EDAC/tasks``; 0 is SAC-N).
    public var eta: Float = 1

    /// Kit's default.
    public init() {}

    /// Settings with weight η.
    public init(eta: Float) { self.eta = eta }
}

/// Adds the diversity term to the SAC agent's critic loss.
final class EDACPlugIn: OfflinePlugIn {
    let eta: Float
    init(eta: Float) { self.eta = eta }
    func install(on trainer: OfflineTrainer) throws {
        let agent = try trainer.sacAgent(for: "edac")
        if eta > 0 { agent.criticRegularizers.append(EnsembleDiversityRegularizer(eta: eta)) }
    }
}
