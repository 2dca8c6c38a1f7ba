/// Hyper-parameters of a ``DynamicsEnsemble`` and of its training, at OfflineRL-Kit's defaults
/// (OfflineRL-Kit: `offlinerlkit/modules/dynamics_module.py`,
/// `offlinerlkit/dynamics/ensemble_dynamics.py`, run_mopo.py / run_mobile.py).
///
/// ```swift
/// var configuration = DynamicsEnsembleConfiguration()      // 7 members, 5 elites, 4×200 SiLU
/// configuration.maxEpochs = 30                              // run_mobile.py's cap
/// let deterministic = DynamicsEnsembleConfiguration.deterministic
/// ```
public struct DynamicsEnsembleConfiguration: Codable, Sendable, Equatable {
    /// Hidden layer widths, each followed by SiLU (Kit: `[200, 200, 200, 200]`).
    public var hiddenSizes: [Int]
    /// Ensemble size E (Kit: 7).
    public var members: Int
    /// Elites, the members sampled from (Kit: 5).
    public var elites: Int
    /// Gaussian outputs (mean and log-variance, trained by NLL) when `true`; mean only, trained
    /// by MSE, when `false` (the deterministic model).
    public var probabilistic: Bool
    /// Weight decay of each layer, hidden layers then output (Kit: `[2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4]`);
    /// one more entry than `hiddenSizes`. Added to the loss as `decay · ½ Σ W²` unless
    /// ``weightDecayStyle`` is ``WeightDecayStyle/decoupled``.
    public var weightDecays: [Float]
    /// How ``weightDecays`` are applied: `nil` or ``WeightDecayStyle/loss`` adds them to the loss
    /// with Adam (Kit); ``WeightDecayStyle/decoupled`` trains with AdamW instead, each layer's
    /// weight and bias in a group with its own decay (the log-variance bounds undecayed).
    public var weightDecayStyle: WeightDecayStyle?
    /// Adam learning rate (Kit: 1e-3; no optimizer weight decay).
    public var learningRate: Float
    /// Mini-batch rows per member (Kit: 256).
    public var batchSize: Int
    /// Holdout fraction (Kit: 0.2), capped by ``maxHoldout``.
    public var holdoutRatio: Double
    /// Holdout cap: `holdout = min(Int(N · holdoutRatio), maxHoldout)` (Kit: 1000).
    public var maxHoldout: Int
    /// Initial learned upper bound of the log-variance (Kit: 0.5).
    public var maxLogVarianceInit: Float
    /// Initial learned lower bound of the log-variance (Kit: −10).
    public var minLogVarianceInit: Float
    /// Coefficient of `Σ max_logvar − Σ min_logvar` in the loss (Kit `logvar_loss_coef`: 0.01).
    public var logVarianceLossCoefficient: Float
    /// A member improves when `(best − new) / best` exceeds this (Kit: 0.01).
    public var improvementThreshold: Double
    /// Stop after this many epochs in which no member improved (Kit `max_epochs_since_update`: 5).
    public var maxEpochsSinceUpdate: Int
    /// Epoch cap, `nil` for none (Kit: none for MOPO, 30 in run_mobile.py).
    public var maxEpochs: Int?
    /// Wall-clock cap on training in seconds, checked after each epoch; `nil` for none (not in Kit).
    public var maxWallTimeSeconds: Double?

    /// Creates a configuration; every argument defaults to OfflineRL-Kit's value.
    public init(hiddenSizes: [Int] = [200, 200, 200, 200], members: Int = 7, elites: Int = 5,
                probabilistic: Bool = true, weightDecays: [Float] = [2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4],
                learningRate: Float = 1e-3, batchSize: Int = 256, holdoutRatio: Double = 0.2,
                maxHoldout: Int = 1000, maxLogVarianceInit: Float = 0.5, minLogVarianceInit: Float = -10,
                logVarianceLossCoefficient: Float = 0.01, improvementThreshold: Double = 0.01,
                maxEpochsSinceUpdate: Int = 5, maxEpochs: Int? = nil, maxWallTimeSeconds: Double? = nil,
                weightDecayStyle: WeightDecayStyle? = nil) {
        self.hiddenSizes = hiddenSizes
        self.members = members
        self.elites = elites
        self.probabilistic = probabilistic
        self.weightDecays = weightDecays
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.holdoutRatio = holdoutRatio
        self.maxHoldout = maxHoldout
        self.maxLogVarianceInit = maxLogVarianceInit
        self.minLogVarianceInit = minLogVarianceInit
        self.logVarianceLossCoefficient = logVarianceLossCoefficient
        self.improvementThreshold = improvementThreshold
        self.maxEpochsSinceUpdate = maxEpochsSinceUpdate
        self.maxEpochs = maxEpochs
        self.maxWallTimeSeconds = maxWallTimeSeconds
        self.weightDecayStyle = weightDecayStyle
    }

    /// The deterministic model: the same network with one member and elite, predicting the mean
    /// of `[Δs, r]` only, trained by mean squared error (for the Lipschitz-critics experiments).
    public static var deterministic: DynamicsEnsembleConfiguration {
        DynamicsEnsembleConfiguration(members: 1, elites: 1, probabilistic: false)
    }

    /// Checks every field.
    /// - Throws: ``DynamicsModelError/invalidConfiguration(field:problem:)`` naming the field.
    public func validate() throws(DynamicsModelError) {
        func fail(_ field: String, _ problem: String) -> DynamicsModelError {
            .invalidConfiguration(field: field, problem: problem)
        }
        guard members >= 1 else { throw fail("members", "must be at least 1, got \(members)") }
        guard (1...members).contains(elites) else { throw fail("elites", "must be in 1...\(members), got \(elites)") }
        guard hiddenSizes.allSatisfy({ $0 > 0 }) else { throw fail("hiddenSizes", "must be positive, got \(hiddenSizes)") }
        guard weightDecays.count == hiddenSizes.count + 1 else {
            throw fail("weightDecays", "needs \(hiddenSizes.count + 1) entries (hidden layers + output), got \(weightDecays.count)")
        }
        guard learningRate > 0 else { throw fail("learningRate", "must be positive, got \(learningRate)") }
        guard batchSize > 0 else { throw fail("batchSize", "must be positive, got \(batchSize)") }
        guard holdoutRatio > 0 && holdoutRatio < 1 else { throw fail("holdoutRatio", "must be in (0, 1), got \(holdoutRatio)") }
        guard maxHoldout > 0 else { throw fail("maxHoldout", "must be positive, got \(maxHoldout)") }
        guard minLogVarianceInit < maxLogVarianceInit else {
            throw fail("minLogVarianceInit", "must be below maxLogVarianceInit (\(minLogVarianceInit) ≥ \(maxLogVarianceInit))")
        }
        guard maxEpochsSinceUpdate > 0 else { throw fail("maxEpochsSinceUpdate", "must be positive, got \(maxEpochsSinceUpdate)") }
        if let maxEpochs, maxEpochs <= 0 { throw fail("maxEpochs", "must be positive or nil, got \(maxEpochs)") }
        if let maxWallTimeSeconds, !(maxWallTimeSeconds > 0) {
            throw fail("maxWallTimeSeconds", "must be positive or nil, got \(maxWallTimeSeconds)")
        }
    }
}

/// How a ``DynamicsEnsemble`` applies its per-layer weight decays.
public enum WeightDecayStyle: String, Codable, Sendable, Equatable, CaseIterable {
    /// `decay · ½ Σ W²` of each layer's weights added to the loss, optimised by Adam (OfflineRL-Kit).
    case loss
    /// Decoupled decay, `θ ← θ(1 − η·decay)` on each layer's weight and bias, by AdamW
    /// (Loshchilov & Hutter 2019); the loss has no decay terms.
    case decoupled
}
