/// Hyperparameters of soft actor-critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and
/// Applications", appendix D) as OfflineRL-Kit and CORL run it. Every field has its paper default.
public struct SACConfiguration: DefaultedSettings {
    /// Hidden widths of the actor and of each critic (2 × 256 in SAC, MOPO and MOBILE).
    public var hiddenSizes: [Int] = [256, 256]
    /// Number of critics N: 2 for SAC's clipped double Q; 10 for RAVL / SAC-N.
    public var critics: Int = 2
    /// Actor learning rate (3e-4 in SAC; OfflineRL-Kit's offline runs use 1e-4).
    public var actorLearningRate: Float = 3e-4
    /// Critic learning rate.
    public var criticLearningRate: Float = 3e-4
    /// Temperature learning rate.
    public var alphaLearningRate: Float = 3e-4
    /// Discount γ.
    public var discount: Float = 0.99
    /// Polyak coefficient τ of the target critics.
    public var tau: Float = 5e-3
    /// Initial temperature α (log α starts at log of this).
    public var initialAlpha: Float = 1
    /// Tune α to reach ``targetEntropy`` (SAC-v2, eq. 18); otherwise α stays at ``initialAlpha``.
    public var automaticEntropyTuning: Bool = true
    /// Target entropy H̄; `nil` means −|A| (the SAC paper's heuristic).
    public var targetEntropy: Float? = nil
    /// Upper clamp of α (OfflineRL-Kit clamps α to [0, 1]); `nil` for none.
    public var maximumAlpha: Float? = nil
    /// Bounds of the actor's log σ (EDAC / OfflineRL-Kit use [−5, 2]).
    public var logStdRange: ClosedRange<Float> = -5...2
    /// Minibatch size.
    public var batchSize: Int = 256
    /// Spectral normalization of the critics' layers (Miyato et al. 2018, as Zheng et al. 2023
    /// apply it to the value network), or `nil` for none (the default).
    public var criticSpectralNorm: CriticSpectralNormalization? = nil
    /// Standardize the states at the actor's and critics' inputs with the dataset's per-feature
    /// mean and population std + 1e-3 (``ObservationStandardization``), as OfflineRL-Kit's RAMBO
    /// runs do (`real_buffer.normalize_obs()`; the RAMBO recipe turns it on); off by default (raw
    /// states, as MOPO and MOBILE). Offline runs only: online SAC has no dataset and refuses it.
    public var standardizeObservations: Bool = false

    /// The defaults.
    public init() {}

    /// The entropy target for an action space of `actionDimension` dimensions.
    public func entropyTarget(actionDimension: Int) -> Float { targetEntropy ?? -Float(actionDimension) }
}
