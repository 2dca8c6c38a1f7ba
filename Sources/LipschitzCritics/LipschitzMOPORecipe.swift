/// `orl train --algo lipschitz-mopo`: Zheng et al. (2023)'s single model plus a Lipschitz-regularized
/// critic, on MOPO's offline loop.
///
/// - Model: one Gaussian member (`dynamics.members = elites = 1`, probabilistic) instead of MOPO's
///   7-member ensemble.
/// - Pessimism: MOPO's penalty r̃ = r − λ·‖σ(s, a)‖ from that one member's predicted standard
///   deviation, at MOPO's per-task λ. Zheng et al. work online (MBPO) and need none; offline,
///   Lipschitz regularization supplies no pessimism (lipschitz.md §6.4), so the single model keeps
///   MOPO's aleatoric penalty. For a deterministic model set `dynamics.probabilistic = false`: its
///   σ is 0, so the penalty vanishes (MBPO-style, no pessimism).
/// - Critic: ``LipschitzSettings/zheng2023(scale:)``: every layer spectrally normalised to
///   ``defaultScale`` and the PGD robust loss (ε 0.05 normalized units, 3 steps, weight 1).
public struct LipschitzMOPORecipe: OfflineAlgorithmRecipe {
    /// The spectral-norm scale c of every critic layer (bound c³ on the 3-layer critic's Lipschitz
    /// constant). Chosen so the bound stays above the unregularized critic's measured empirical
    /// constant on halfcheetah-medium-orl (Experiments/lipschitz/README.md); the paper's is unknown.
    public static let defaultScale: Float = 3

    /// The critic settings used.
    public let settings: LipschitzSettings
    /// Whether the single model is Gaussian (MOPO penalty) or deterministic (no penalty).
    public let probabilisticModel: Bool

    /// Creates the recipe.
    public init(settings: LipschitzSettings = .zheng2023(scale: defaultScale), probabilisticModel: Bool = true) {
        self.settings = settings
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
        var c = OfflineTrainingConfiguration(algorithm: .mopo, dataset: dataset, preset: preset)
        c.name = name
        c.dynamics.members = 1
        c.dynamics.elites = 1
        c.dynamics.probabilistic = probabilisticModel
        try settings.store(in: &c)
        return c
    }
}
