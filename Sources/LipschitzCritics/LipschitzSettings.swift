import Foundation

/// The settings of the Lipschitz-critics module, stored in
/// ``PolicyLearning/OfflineTrainingConfiguration/plugIns`` under `"lipschitz"`. Each regularizer is
/// on when its entry is present; diagnostics are logged whenever the module is installed (an
/// empty object `{}` gives diagnostics only). Missing keys take the documented defaults.
///
/// ```json
/// "plugIns": {"lipschitz": {
///     "adversarialNoise": {"epsilon": 0.05, "attack": "pgd", "steps": 3, "weight": 1},
///     "gradientPenalty": {"weight": 10, "target": 1, "sides": "one", "points": "interpolates"}}}
/// ```
///
/// Spectral normalization changes the critic's layers, so it is a SAC setting,
/// ``PolicyLearning/SACConfiguration/criticSpectralNorm`` (stored once, there); the module's
/// diagnostics report the bound it gives.
public struct LipschitzSettings: DefaultedSettings {
    /// The key under ``PolicyLearning/OfflineTrainingConfiguration/plugIns``.
    public static let key = "lipschitz"

    /// The robust loss on adversarially perturbed states (Zheng et al., "Model-based
    /// Reinforcement Learning with Lipschitz-regularized Value Function", 2023), or `nil`.
    public var adversarialNoise: AdversarialNoiseSettings?
    /// The input-gradient penalty (Gulrajani et al., "Improved Training of Wasserstein GANs",
    /// NeurIPS 2017, eq. (3)), or `nil`.
    public var gradientPenalty: GradientPenaltySettings?
    /// How the logged Lipschitz estimates are measured.
    public var diagnostics = LipschitzDiagnosticsSettings()

    /// Diagnostics only.
    public init() {}

    /// Creates settings.
    public init(adversarialNoise: AdversarialNoiseSettings? = nil, gradientPenalty: GradientPenaltySettings? = nil,
                diagnostics: LipschitzDiagnosticsSettings = .init()) {
        self.adversarialNoise = adversarialNoise
        self.gradientPenalty = gradientPenalty
        self.diagnostics = diagnostics
    }

    /// Zheng et al. (2023)'s robust loss at this library's defaults (PGD, ε 0.05 normalized units,
    /// 3 steps, weight 1; the paper's values were not recoverable, so these are documented
    /// choices); its other mechanism, every critic layer spectrally normalised, is
    /// ``zheng2023SpectralNorm(scale:)`` in the SAC settings.
    public static var zheng2023: LipschitzSettings { LipschitzSettings(adversarialNoise: AdversarialNoiseSettings()) }

    /// Every critic layer spectrally normalised to `scale` (Zheng et al. 2023; Miyato et al.,
    /// "Spectral Normalization for Generative Adversarial Networks", ICLR 2018).
    public static func zheng2023SpectralNorm(scale: Float) -> CriticSpectralNormalization {
        CriticSpectralNormalization(layers: nil, scale: scale)
    }

    /// Checks every field.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` naming the field.
    public func validate() throws(OfflineTrainingError) {
        if let problem = adversarialNoise?.problem {
            throw .invalidConfiguration("plugIns.lipschitz.adversarialNoise: \(problem)")
        }
        if let problem = gradientPenalty?.problem {
            throw .invalidConfiguration("plugIns.lipschitz.gradientPenalty: \(problem)")
        }
        if diagnostics.batchSize < 1 {
            throw .invalidConfiguration("plugIns.lipschitz.diagnostics.batchSize must be positive, got \(diagnostics.batchSize)")
        }
    }
}

/// How the logged Lipschitz estimates are measured (``LipschitzEstimate``).
public struct LipschitzDiagnosticsSettings: DefaultedSettings {
    /// Dataset rows on which the empirical constant (largest input-gradient norm) is measured.
    public var batchSize: Int

    /// 1,000 rows.
    public init() { batchSize = 1000 }

    /// Settings measuring on `batchSize` rows.
    public init(batchSize: Int) { self.batchSize = batchSize }
}
