/// `orl train --algo lipschitz-mopo`: Zheng et al. (2023)'s single model plus a Lipschitz-regularized
/// critic, on MOPO's offline loop.
///
/// - Model: one Gaussian member (`dynamics.members = elites = 1`, probabilistic) instead of MOPO's
///   7-member ensemble.
/// - Pessimism: MOPO's penalty r̃ = r − λ·‖σ(s, a)‖ from that one member's predicted standard
///   deviation, at MOPO's per-task λ. Zheng et al. work online (MBPO) and need none; offline,
///   Lipschitz regularization supplies no pessimism (a smooth critic still extrapolates), so the single model keeps
///   MOPO's aleatoric penalty. For a deterministic model set `dynamics.probabilistic = false`: its
///   σ is 0, so the penalty vanishes (MBPO-style, no pessimism).
/// - Critic: every layer spectrally normalised to ``defaultScale`` (`sac.criticSpectralNorm`) and
///   the PGD robust loss (``LipschitzSettings/zheng2023``: ε 0.05 normalized units, 3 steps, weight 1).
public struct LipschitzMOPORecipe: OfflineAlgorithmRecipe {
    /// The spectral-norm scale c of every critic layer (bound c³ on the 3-layer critic's Lipschitz
    /// constant). Chosen so the bound stays above the unregularized critic's measured empirical
    /// constant on halfcheetah-medium-orl (Experiments/lipschitz/README.md); the paper's is unknown.
    public static let defaultScale: Float = 3

    /// The critic regularizers used.
    public let settings: LipschitzSettings
    /// The critic's spectral normalization.
    public let spectralNorm: CriticSpectralNormalization?
    /// Whether the single model is Gaussian (MOPO penalty) or deterministic (no penalty).
    public let probabilisticModel: Bool

    /// Creates the recipe.
    public init(settings: LipschitzSettings = .zheng2023,
                spectralNorm: CriticSpectralNormalization? = LipschitzSettings.zheng2023SpectralNorm(scale: defaultScale),
                probabilisticModel: Bool = true) {
        self.settings = settings
        self.spectralNorm = spectralNorm
        self.probabilisticModel = probabilisticModel
    }

    /// `lipschitz-mopo`.
    public var name: String { "lipschitz-mopo" }

    /// One line for `orl train --help`.
    public var summary: String {
        "Zheng et al. 2023 offline: one dynamics model + spectrally normalised critic with an adversarial-state robust loss, MOPO penalty from the single Gaussian"
    }

    /// MOPO's per-task configuration with one model and the Lipschitz critic settings stored.
    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = try MOPO().configuration(dataset: dataset, preset: preset)
        c.algorithm = name
        c.dynamics.members = 1
        c.dynamics.elites = 1
        c.dynamics.probabilistic = probabilisticModel
        c.sac.criticSpectralNorm = spectralNorm
        c.setPlugInSettings(LipschitzSettings.key, settings)
        return c
    }
}
