/// COMBO: conservative offline model-based policy optimization (Yu, Kumar, Rafailov, Rajeswaran,
/// Levine, Finn, "COMBO: Conservative Offline Model-Based Policy Optimization", NeurIPS 2021), as
/// OfflineRL-Kit runs it (`offlinerlkit/policy/model_based/combo.py`, `run_example/run_combo.py`):
/// the recipe (`orl train --algo combo`) and the plug-in in one place.
///
/// The shared model-based loop (rollouts of h steps every 1,000 updates, half of each batch real)
/// with no reward penalty; instead every critic carries CQL's term with the model rollouts' states
/// pushed down and the real data pushed up (eq. (2)):
/// ```
/// L_Q = Σᵢ mean_b (Qᵢ − y)² + w·Σᵢ ( mean_{s ∈ model rows} T·log Σ_k exp((Qᵢ(s, a_k) − log μ_k)/T)
///                                     − mean_{(s,a) ∈ real rows} Qᵢ(s, a) )
/// ```
/// (``ConservativeQTerm``; ``COMBOSettings/pushDownRows`` `mix` pushes down every row of the batch,
/// Kit's `rho_s="mix"`). Kit's settings: 2 critics of 3 × 256, actor lr 1e-4 with a cosine schedule
/// over 1,000 epochs, critic lr 3e-4, α auto-tuned from 1 (lr 1e-4, unclamped), target without the
/// entropy term, T = 1, R = 10, real ratio 0.5; h and w per task (``tasks``).
public struct COMBO: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// COMBO's settings, stored under `plugIns.combo`.
    public typealias Settings = COMBOSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "combo" }
    public var key: String { "combo" }
    public var summary: String { "COMBO (Yu et al. 2021): CQL's conservative term with model states pushed down, real data up" }

    /// One task's settings: the rollout horizon h and the conservative weight w.
    public struct Task: Sendable, Equatable {
        /// h.
        public var rolloutHorizon: Int
        /// w.
        public var weight: Float

        /// Creates a row.
        public init(rolloutHorizon: Int, weight: Float) {
            self.rolloutHorizon = rolloutHorizon
            self.weight = weight
        }
    }

    /// Kit's "suggested hypers" (the docstring of `run_example/run_combo.py`), keyed by
    /// `environment-quality`.
    public static let tasks: [String: Task] = [
        "halfcheetah-medium": Task(rolloutHorizon: 5, weight: 0.5),
        "hopper-medium": Task(rolloutHorizon: 5, weight: 5),
        "walker2d-medium": Task(rolloutHorizon: 1, weight: 5),
        "halfcheetah-medium-replay": Task(rolloutHorizon: 5, weight: 0.5),
        "hopper-medium-replay": Task(rolloutHorizon: 5, weight: 0.5),
        "walker2d-medium-replay": Task(rolloutHorizon: 1, weight: 0.5),
        "halfcheetah-medium-expert": Task(rolloutHorizon: 5, weight: 5),
        "hopper-medium-expert": Task(rolloutHorizon: 5, weight: 5),
        "walker2d-medium-expert": Task(rolloutHorizon: 1, weight: 5),
    ]

    /// The task's settings, or the script's defaults (h = 5, w = 5) for other datasets.
    public static func task(for dataset: String) -> Task {
        tasks[taskKey(dataset)] ?? Task(rolloutHorizon: 5, weight: COMBOSettings().weight)
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        let task = Self.task(for: dataset)
        c.rolloutHorizon = task.rolloutHorizon
        c.realRatio = 0.5
        c.sac = OfflineTrainingConfiguration.kitConservativeSAC(clampAlpha: false)
        c.setPlugInSettings(key, COMBOSettings(weight: task.weight))
        c.apply(preset)
        c.setPaperEpochs(1000, preset: preset)
        c.cosineScheduleEpochs = 1000                 // CosineAnnealingLR(actor_optim, args.epoch = 1000)
        return c
    }

    public func makePlugIn(settings: COMBOSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        let conservative = settings.conservativeSettings
        try conservative.validate(key: key)
        return ConservativePlugIn(key: key, settings: conservative, pushDownRows: settings.pushDownRows, pushUpRows: .real)
    }
}

/// COMBO's settings (`plugIns.combo`); the horizon and real ratio are the loop's.
public struct COMBOSettings: DefaultedSettings {
    /// w, the conservative term's weight (Kit's script default 5.0; per task in ``COMBO/tasks``; the paper's β).
    public var weight: Float = 5
    /// T, the log-sum-exp temperature (Kit 1.0).
    public var temperature: Float = 1
    /// R, actions per proposal and state (Kit 10).
    public var sampledActions: Int = 10
    /// Bootstrap without SAC's entropy term (Kit `deterministic-backup` True).
    public var deterministicBackup: Bool = true
    /// The states pushed down: `model` (the model rollouts' rows, eq. (2)'s ρ = d^π_M̂) or `all`
    /// (every row of the mixed batch: Kit's default `rho_s="mix"`, with which its table was made).
    public var pushDownRows: BatchRows = .model

    /// The paper's choice of states with Kit's weights.
    public init() {}

    /// Settings with weight `weight`.
    public init(weight: Float, pushDownRows: BatchRows = .model) {
        self.weight = weight
        self.pushDownRows = pushDownRows
    }

    /// The CQL settings of the term.
    var conservativeSettings: CQLSettings {
        CQLSettings(weight: weight, temperature: temperature, sampledActions: sampledActions, deterministicBackup: deterministicBackup)
    }
}
