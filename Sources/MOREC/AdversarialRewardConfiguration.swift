/// Settings of ``AdversarialDynamicsRewardLearner`` (<doc:RewardConsistentDynamics>). The official
/// trainer was never released, so these are this library's choices except where a source is
/// named; defaults are sized for a 2-core machine (minutes on a 1M-row dataset).
/// Missing JSON keys keep their defaults, so a `--config` file may name only what it changes.
public struct AdversarialRewardConfiguration: DefaultedSettings {
    /// Hidden widths of each discriminator (the official encoder is in→128→256 ReLU with an
    /// unreleased head; smaller here so that scoring 10 candidates stays cheap).
    public var discriminatorHiddenSizes: [Int] = [64, 64]
    /// Hidden widths of the Gaussian generator (SiLU).
    public var generatorHiddenSizes: [Int] = [200, 200]
    /// Rows per update.
    public var batchSize: Int = 256
    /// Maximum-likelihood warm-up updates of the generator (step 1 of the learner).
    public var warmupSteps: Int = 2_000
    /// Adversarial updates after the warm-up (one discriminator and one generator update each;
    /// 20,000 took 133 s on halfcheetah-medium-orl here and separated real from corrupted
    /// transitions more sharply than 8,000, Experiments/morec/README.md).
    public var adversarialSteps: Int = 20_000
    /// Discriminator Adam learning rate (official `discriminator_lr`, value unreleased).
    public var discriminatorLearningRate: Float = 3e-4
    /// Generator Adam learning rate (official transition network: 1e-3; used in the warm-up).
    public var generatorLearningRate: Float = 1e-3
    /// Generator learning rate in the adversarial phase (smaller for stability; this library's choice).
    public var adversarialGeneratorLearningRate: Float = 1e-4
    /// Initial entropy coefficient α (official `ent_coeff` init 0.001).
    public var initialEntropyCoefficient: Float = 0.001
    /// Tune α towards ``targetEntropy`` (official `auto_ent_coeff_optim`).
    public var automaticEntropyTuning: Bool = true
    /// Adam learning rate of log α (official 1e-2).
    public var entropyLearningRate: Float = 1e-2
    /// Target mean per-dimension entropy of the generator in normalized units; `nil` takes the
    /// warm-started generator's entropy on the data (the official 0.35 is on an unknown scale).
    public var targetEntropy: Float? = nil
    /// Weight of the data log-likelihood kept in the generator loss (official
    /// `target_transition_loss_ratio` suggests such an anchor; this library's choice).
    public var likelihoodWeight: Float = 0.1
    /// Adversarial updates between discriminator snapshots (`history_discriminator_interval`).
    public var snapshotInterval: Int = 200
    /// Snapshots kept, newest last (`max_maintaining_disc`; official loaders keep 400).
    public var retainedSnapshots: Int = 40
    /// Export every n-th retained snapshot, newest included (official: 10 for MOPO, 40 for MOBILE).
    public var thinning: Int = 4
    /// Rows for E_k and L_k at each snapshot.
    public var calibrationRows: Int = 2_048
    /// Fraction of transitions held out for the summary (at most ``maxHoldout`` rows).
    public var holdoutFraction: Double = 0.05
    /// The held-out rows' cap.
    public var maxHoldout: Int = 5_000
    /// Updates between log rows.
    public var logInterval: Int = 500
    /// Updates between checkpoints; a multiple of ``logInterval``.
    public var checkpointInterval: Int = 2_000
    /// Seed of every random draw.
    public var seed: UInt64 = 1

    /// The defaults.
    public init() {}

    /// Updates in total.
    public var totalSteps: Int { warmupSteps + adversarialSteps }

    /// Checks ranges; the error names the field.
    public func validate() throws(MORECError) {
        func require(_ ok: Bool, _ message: String) throws(MORECError) { if !ok { throw .invalidSettings(message) } }
        try require(!discriminatorHiddenSizes.isEmpty && discriminatorHiddenSizes.allSatisfy { $0 > 0 }, "discriminatorHiddenSizes must be positive widths, got \(discriminatorHiddenSizes)")
        try require(!generatorHiddenSizes.isEmpty && generatorHiddenSizes.allSatisfy { $0 > 0 }, "generatorHiddenSizes must be positive widths, got \(generatorHiddenSizes)")
        try require(batchSize > 0 && calibrationRows > 0, "batchSize and calibrationRows must be positive")
        try require(warmupSteps >= 0 && adversarialSteps > 0, "warmupSteps must be ≥ 0 and adversarialSteps > 0, got \(warmupSteps), \(adversarialSteps)")
        try require(snapshotInterval > 0 && snapshotInterval <= adversarialSteps, "snapshotInterval must be in 1...adversarialSteps, got \(snapshotInterval)")
        try require(retainedSnapshots > 0 && thinning > 0, "retainedSnapshots and thinning must be positive")
        try require((0..<1).contains(holdoutFraction) && maxHoldout >= 0, "holdoutFraction must be in [0, 1), got \(holdoutFraction)")
        try require(logInterval > 0 && checkpointInterval > 0 && checkpointInterval % logInterval == 0,
                    "checkpointInterval (\(checkpointInterval)) must be a positive multiple of logInterval (\(logInterval))")
        try require(discriminatorLearningRate > 0 && generatorLearningRate > 0 && adversarialGeneratorLearningRate > 0 && entropyLearningRate > 0,
                    "learning rates must be positive")
        try require(initialEntropyCoefficient > 0, "initialEntropyCoefficient must be positive")
        try require(likelihoodWeight >= 0, "likelihoodWeight must be ≥ 0")
    }

    enum CodingKeys: String, CodingKey {
        case discriminatorHiddenSizes, generatorHiddenSizes, batchSize, warmupSteps, adversarialSteps
        case discriminatorLearningRate, generatorLearningRate, adversarialGeneratorLearningRate
        case initialEntropyCoefficient, automaticEntropyTuning, entropyLearningRate, targetEntropy, likelihoodWeight
        case snapshotInterval, retainedSnapshots, thinning, calibrationRows, holdoutFraction, maxHoldout
        case logInterval, checkpointInterval, seed
    }

}
