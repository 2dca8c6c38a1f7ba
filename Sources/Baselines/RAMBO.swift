/// RAMBO: robust adversarial model-based offline RL (Rigter, Lacerda, Hawes, "RAMBO-RL: Robust
/// Adversarial Model-Based Offline Reinforcement Learning", NeurIPS 2022), as OfflineRL-Kit runs
/// it (`offlinerlkit/policy/model_based/rambo.py`, `run_example/run_rambo.py`): the recipe
/// (`orl train --algo rambo`) and the plug-in's factory.
///
/// The shared model-based loop (rollouts of h steps every 250 updates, half of each batch real, no
/// reward penalty) with the model trained against the policy (§4.2, Algorithm 1): before the first
/// update the actor is pre-trained by behaviour cloning; after every `adversarialInterval` updates
/// the ensemble takes `adversarialSteps` Adam steps on `λ·L_adv + L_MLE` (``AdversarialModelUpdate``)
/// along model rollouts of the current policy. Kit's settings: 2 critics and the actor of 2 × 256,
/// actor lr 1e-4, critic lr 3e-4, α auto-tuned from 1 (lr 1e-4), no learning-rate schedule, states
/// standardized by the data's mean and std for the actor and critics, the ensemble fitted with lr
/// 3e-4, holdout ratio 0.1, variance-bound coefficient 0.001 and patience 10; 2,000 epochs × 1,000
/// updates; h and λ per task (``tasks``).
public struct RAMBO: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// RAMBO's settings, stored under `plugIns.rambo`.
    public typealias Settings = RAMBOSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "rambo" }
    public var key: String { "rambo" }
    public var summary: String { "RAMBO (Rigter et al. 2022): the model trained adversarially against the policy's value" }

    /// One task's settings: the rollout horizon h (also the adversarial rollouts') and λ.
    public struct Task: Sendable, Equatable {
        /// h.
        public var rolloutHorizon: Int
        /// λ, the adversarial weight.
        public var adversarialWeight: Float

        /// Creates a row.
        public init(rolloutHorizon: Int, adversarialWeight: Float) {
            self.rolloutHorizon = rolloutHorizon
            self.adversarialWeight = adversarialWeight
        }
    }

    /// Kit's "suggested hypers" (the docstring of `run_example/run_rambo.py`), keyed by
    /// `environment-quality`.
    public static let tasks: [String: Task] = [
        "halfcheetah-medium": Task(rolloutHorizon: 5, adversarialWeight: 3e-4),
        "hopper-medium": Task(rolloutHorizon: 5, adversarialWeight: 3e-4),
        "walker2d-medium": Task(rolloutHorizon: 5, adversarialWeight: 0),
        "halfcheetah-medium-replay": Task(rolloutHorizon: 5, adversarialWeight: 3e-4),
        "hopper-medium-replay": Task(rolloutHorizon: 5, adversarialWeight: 3e-4),
        "walker2d-medium-replay": Task(rolloutHorizon: 5, adversarialWeight: 0),
        "halfcheetah-medium-expert": Task(rolloutHorizon: 5, adversarialWeight: 0),
        "hopper-medium-expert": Task(rolloutHorizon: 5, adversarialWeight: 0),
        "walker2d-medium-expert": Task(rolloutHorizon: 2, adversarialWeight: 3e-4),
    ]

    /// The task's settings, or the script's defaults (h = 5, λ = 3e-4) for other datasets.
    public static func task(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(rolloutHorizon: 5, adversarialWeight: RAMBOSettings().adversarialWeight)
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        let task = Self.task(for: dataset)
        c.rolloutHorizon = task.rolloutHorizon
        c.rolloutInterval = 250                        // --rollout-freq 250
        c.modelRetainEpochs = 20                       // Kit's buffer: 1000/250 rollouts per epoch × 5 epochs
        c.realRatio = 0.5
        c.cosineActorSchedule = false                  // no lr_scheduler in run_rambo.py
        c.sac.standardizeObservations = true           // real_buffer.normalize_obs(): actor and critics see standardized states
        c.dynamics.learningRate = 3e-4                 // --dynamics-lr
        c.dynamics.holdoutRatio = 0.1                  // dynamics.train(holdout_ratio=0.1, logvar_loss_coef=0.001,
        c.dynamics.logVarianceLossCoefficient = 0.001  //                max_epochs_since_update=10)
        c.dynamics.maxEpochsSinceUpdate = 10
        var settings = RAMBOSettings()
        settings.adversarialWeight = task.adversarialWeight
        settings.adversarialRolloutLength = task.rolloutHorizon   // adv_rollout_length=args.rollout_length
        c.setPlugInSettings(key, settings)
        c.apply(preset)
        c.cosineScheduleEpochs = nil
        c.setPaperEpochs(2000, preset: preset)
        return c
    }

    public func makePlugIn(settings: RAMBOSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate()
        return RAMBOPlugIn(settings: settings, discount: configuration.sac.discount)
    }
}

/// RAMBO's settings (`plugIns.rambo`); the loop's rollouts, real ratio and model fit are the
/// shared configuration's. Defaults are `run_rambo.py`'s.
public struct RAMBOSettings: DefaultedSettings {
    /// λ, the adversarial term's weight in the model loss (Kit `--adv-weight` 3e-4; per task in ``RAMBO/tasks``).
    public var adversarialWeight: Float = 3e-4
    /// Policy updates between adversarial phases (Kit `--dynamics-update-freq` 1,000).
    public var adversarialInterval: Int = 1000
    /// Model gradient steps per phase (Kit `adv_train_steps` 1,000).
    public var adversarialSteps: Int = 1000
    /// Start states of each adversarial rollout and rows of each real batch (Kit `--adv-batch-size` 256).
    public var adversarialBatchSize: Int = 256
    /// Steps of each adversarial rollout, one model step each (Kit: the rollout length, 5).
    public var adversarialRolloutLength: Int = 5
    /// The model's own Adam learning rate (Kit `--dynamics-adv-lr` 3e-4).
    public var adversarialLearningRate: Float = 3e-4
    /// Subtract α·log π(a'|s') from V(s') in the advantage (Kit `--include-ent-in-adv` False).
    public var includeEntropyInAdvantage: Bool = false
    /// Epochs of behaviour cloning before the first update (Kit `--bc-epoch` 50; 0 skips it).
    public var behaviorCloningEpochs: Int = 50
    /// Behaviour cloning's Adam learning rate (Kit `--bc-lr` 1e-4).
    public var behaviorCloningLearningRate: Float = 1e-4
    /// Behaviour cloning's batch size (Kit `--bc-batch-size` 256).
    public var behaviorCloningBatchSize: Int = 256

    /// Kit's settings.
    public init() {}

    /// Checks the ranges.
    /// - Throws: `OfflineTrainingError.invalidConfiguration(_:)` naming the bad key.
    func validate() throws(OfflineTrainingError) {
        for (name, value) in [("adversarialWeight", adversarialWeight)] where !(value.isFinite && value >= 0) {
            throw .invalidConfiguration("plugIns.rambo.\(name) must be finite and ≥ 0, got \(value)")
        }
        for (name, value) in [("adversarialLearningRate", adversarialLearningRate), ("behaviorCloningLearningRate", behaviorCloningLearningRate)]
        where !(value.isFinite && value > 0) {
            throw .invalidConfiguration("plugIns.rambo.\(name) must be a positive number, got \(value)")
        }
        for (name, value) in [("adversarialInterval", adversarialInterval), ("adversarialBatchSize", adversarialBatchSize),
                              ("adversarialRolloutLength", adversarialRolloutLength), ("behaviorCloningBatchSize", behaviorCloningBatchSize)]
        where !(1...(1 << 24)).contains(value) {
            throw .invalidConfiguration("plugIns.rambo.\(name) must be positive (at most 2^24), got \(value)")
        }
        for (name, value) in [("adversarialSteps", adversarialSteps), ("behaviorCloningEpochs", behaviorCloningEpochs)]
        where !(0...(1 << 24)).contains(value) {
            throw .invalidConfiguration("plugIns.rambo.\(name) must be ≥ 0 (at most 2^24), got \(value)")
        }
    }
}
