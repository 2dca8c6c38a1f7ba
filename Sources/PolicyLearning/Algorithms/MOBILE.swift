/// MOBILE: model-Bellman inconsistency penalized offline policy optimization (Sun et al. 2023,
/// "Model-Bellman Inconsistency for Model-based Offline Reinforcement Learning", ICML, PMLR
/// 202:33177–33194), as OfflineRL-Kit runs it (`offlinerlkit/policy/model_based/mobile.py`,
/// `run_example/run_mobile.py`) and the official repository configures it
/// (`yihaosun1124/mobile` `configs/gym/*.py`); research/infrastructure.md §3.3, §3.7.
///
/// Rollouts are unpenalised; instead the critic's targets on model rows subtract β times the
/// spread, across the elite models, of the bootstrapped value (the paper's eq. for the
/// Bellman-inconsistency uncertainty; ``BellmanInconsistencyPenalty``).
///
/// ```swift
/// let mobile = MOBILEConfiguration.suggested(for: "hopper-medium-v2").configuration   // β = 1.5, h = 5
/// ```
public struct MOBILEConfiguration: Codable, Sendable, Equatable {
    /// β, the weight of the Bellman-inconsistency penalty in the target (per task in ``tasks``;
    /// 1.0 for other datasets, a middle value of the table rather than a paper default).
    public var penaltyCoefficient: Float = 1.0
    /// Rollout horizon h (5 for most tasks, 1 for walker2d-medium-replay/-expert).
    public var rolloutHorizon: Int = 5
    /// Fraction of each batch from real data (0.05; 0.5 for halfcheetah-medium-expert).
    public var realRatio: Double = 0.05
    /// Next-state samples per elite model for the penalty (Kit `num_samples` 10).
    public var samples: Int = 10
    /// Bootstrap without the entropy term, `y = r − β·u + γ(1 − d)·minᵢ Q̄ᵢ(s', a')` (Kit's
    /// `deterministic_backup=True` for D4RL; the official NeoRL configs use `false`).
    public var deterministicBackup: Bool = true

    /// The defaults.
    public init() {}

    /// Creates a configuration.
    public init(penaltyCoefficient: Float, rolloutHorizon: Int = 5, realRatio: Double = 0.05) {
        self.penaltyCoefficient = penaltyCoefficient
        self.rolloutHorizon = rolloutHorizon
        self.realRatio = realRatio
    }

    /// A task's settings: MOBILE's own hyper-parameters plus the SAC and dynamics settings the
    /// official configuration changes for it.
    public struct Task: Codable, Sendable, Equatable {
        /// MOBILE's hyper-parameters.
        public var configuration: MOBILEConfiguration
        /// A fixed temperature α instead of automatic tuning (`auto_alpha False`, α = 0.2), or `nil`.
        public var fixedAlpha: Float?
        /// The dynamics training's epoch cap (`dynamics_max_epochs`), or `nil` for none.
        public var dynamicsMaxEpochs: Int?

        /// Creates a task entry.
        public init(_ configuration: MOBILEConfiguration, fixedAlpha: Float? = nil, dynamicsMaxEpochs: Int? = nil) {
            self.configuration = configuration
            self.fixedAlpha = fixedAlpha
            self.dynamicsMaxEpochs = dynamicsMaxEpochs
        }
    }

    /// The official per-task configurations (`yihaosun1124/mobile` `configs/gym/*.py`;
    /// infrastructure.md §3.7 table, "β official" column), keyed by `environment-quality`.
    /// Kit's run_mobile.py docstring differs only on halfcheetah-medium-expert (β 2.0, real ratio 0.05).
    public static let tasks: [String: Task] = [
        "halfcheetah-random": Task(.init(penaltyCoefficient: 0.5)),
        "hopper-random": Task(.init(penaltyCoefficient: 5.0)),
        "walker2d-random": Task(.init(penaltyCoefficient: 2.0)),
        "halfcheetah-medium": Task(.init(penaltyCoefficient: 0.5)),
        "hopper-medium": Task(.init(penaltyCoefficient: 1.5), fixedAlpha: 0.2),
        "walker2d-medium": Task(.init(penaltyCoefficient: 0.5), dynamicsMaxEpochs: 30),
        "halfcheetah-medium-replay": Task(.init(penaltyCoefficient: 0.1)),
        "hopper-medium-replay": Task(.init(penaltyCoefficient: 0.1), fixedAlpha: 0.2),
        "walker2d-medium-replay": Task(.init(penaltyCoefficient: 0.5, rolloutHorizon: 1)),
        "halfcheetah-medium-expert": Task(.init(penaltyCoefficient: 1.0, realRatio: 0.5)),
        "hopper-medium-expert": Task(.init(penaltyCoefficient: 1.5)),
        "walker2d-medium-expert": Task(.init(penaltyCoefficient: 1.5, rolloutHorizon: 1)),
    ]

    /// The task's entry in ``tasks``, or the defaults for other datasets.
    public static func suggested(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(MOBILEConfiguration())
    }
}
