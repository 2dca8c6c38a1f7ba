import Foundation

/// The settings of the Lipschitz-critics module, stored in
/// ``PolicyLearning/OfflineTrainingConfiguration/plugIns`` under `"lipschitz"`. Each regularizer is
/// on when its entry is present; diagnostics are logged whenever the module is installed (an
/// empty object `{}` gives diagnostics only). Missing keys decode to the documented defaults.
///
/// ```json
/// "plugIns": {"lipschitz": {
///     "spectralNorm": {"layers": null, "scale": 1},
///     "adversarialNoise": {"epsilon": 0.05, "attack": "pgd", "steps": 3, "weight": 1},
///     "gradientPenalty": {"weight": 10, "target": 1, "sides": "one", "points": "interpolates"}}}
/// ```
///
/// Spectral normalization changes the critic's layers, so it is also stored in
/// ``PolicyLearning/SACConfiguration/criticSpectralNorm``: write settings with ``store(in:)`` (or
/// call ``synchronize(_:)`` after editing `plugIns`) so both agree; ``LipschitzPlugInFactory``
/// rejects a configuration where they differ.
public struct LipschitzSettings: Codable, Sendable, Equatable {
    /// The key under ``PolicyLearning/OfflineTrainingConfiguration/plugIns``.
    public static let key = "lipschitz"

    /// Spectral normalization of critic layers (lipschitz.md §1.4, §3.1), or `nil`.
    public var spectralNorm: CriticSpectralNormalization?
    /// The robust loss on adversarially perturbed states (lipschitz.md §1.5), or `nil`.
    public var adversarialNoise: AdversarialNoiseSettings?
    /// The input-gradient penalty (lipschitz.md §2.3, §3.3), or `nil`.
    public var gradientPenalty: GradientPenaltySettings?
    /// How the logged Lipschitz estimates are measured.
    public var diagnostics: LipschitzDiagnosticsSettings

    /// Creates settings; with no arguments only diagnostics are on.
    public init(spectralNorm: CriticSpectralNormalization? = nil, adversarialNoise: AdversarialNoiseSettings? = nil,
                gradientPenalty: GradientPenaltySettings? = nil, diagnostics: LipschitzDiagnosticsSettings = .init()) {
        self.spectralNorm = spectralNorm
        self.adversarialNoise = adversarialNoise
        self.gradientPenalty = gradientPenalty
        self.diagnostics = diagnostics
    }

    /// Decodes from JSON, taking the default for every missing key.

    /// Decodes from JSON, taking the default for every missing key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spectralNorm = try c.decodeIfPresent(CriticSpectralNormalization.self, forKey: .spectralNorm)
        adversarialNoise = try c.decodeIfPresent(AdversarialNoiseSettings.self, forKey: .adversarialNoise)
        gradientPenalty = try c.decodeIfPresent(GradientPenaltySettings.self, forKey: .gradientPenalty)
        diagnostics = try c.decodeIfPresent(LipschitzDiagnosticsSettings.self, forKey: .diagnostics) ?? .init()
    }

    /// Zheng et al. (2023)'s two mechanisms at this library's defaults: every critic layer
    /// spectrally normalised to `scale`, and the PGD robust loss (lipschitz.md §1.4–1.5; the
    /// paper's ε, steps, weight and scale were not recoverable, so these are documented choices).
    public static func zheng2023(scale: Float) -> LipschitzSettings {
        LipschitzSettings(spectralNorm: CriticSpectralNormalization(layers: nil, scale: scale),
                          adversarialNoise: AdversarialNoiseSettings())
    }

    /// Checks every field against a critic with `criticLayers` affine layers.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` naming the field.
    public func validate(criticLayers: Int) throws(OfflineTrainingError) {
        if let problem = spectralNorm?.problem(layerCount: criticLayers) {
            throw .invalidConfiguration("plugIns.lipschitz.spectralNorm: \(problem)")
        }
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

    /// Writes these settings into `configuration` (``key`` of `plugIns`, and the critic's spectral
    /// normalization in `sac.criticSpectralNorm`).
    public func store(in configuration: inout OfflineTrainingConfiguration) throws {
        try configuration.setPlugInSettings(Self.key, self)
        configuration.sac.criticSpectralNorm = spectralNorm
    }

    /// The settings stored in `configuration`, or `nil` when the module is not configured.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` when they do not decode.
    public static func stored(in configuration: OfflineTrainingConfiguration) throws(OfflineTrainingError) -> LipschitzSettings? {
        try configuration.plugInSettings(key, as: LipschitzSettings.self)
    }

    /// Copies the stored spectral-normalization settings into `sac.criticSpectralNorm` (after
    /// `plugIns.lipschitz` was edited directly, e.g. by a `--config` file). No-op without settings.
    public static func synchronize(_ configuration: inout OfflineTrainingConfiguration) throws {
        guard let settings = try stored(in: configuration) else { return }
        configuration.sac.criticSpectralNorm = settings.spectralNorm
    }
}

/// How the logged Lipschitz estimates are measured (``LipschitzEstimate``).
public struct LipschitzDiagnosticsSettings: Codable, Sendable, Equatable {
    /// Dataset rows on which the empirical constant (largest input-gradient norm) is measured.
    public var batchSize: Int

    /// Creates the settings (1,000 rows by default).
    public init(batchSize: Int = 1000) { self.batchSize = batchSize }

    /// Decodes from JSON, taking the default for every missing key.

    /// Decodes from JSON, taking the default for every missing key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 1000
    }
}
