/// Where the loop's model transitions come from (`--dynamics`): the learned ensemble, the true
/// simulator (RAVL's edge-of-reach experiment, Sims et al. 2024 §3), or a blend of the two
/// (their Fig. 1, ``DynamicsModels/InterpolatedDynamics``), or nowhere: `none` fits no model and
/// rolls nothing out, so the loop trains on the data alone (the model-free algorithms CQL, EDAC,
/// TD3+BC and IQL; OfflineRL-Kit's `MFPolicyTrainer`). Written as `learned`, `true`,
/// `interpolate:λ` or `none` in configurations.
public enum DynamicsSource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The fitted ensemble (or single model).
    case learned
    /// ``DynamicsModels/TrueDynamics``: the simulator stepped from the rebuilt state.
    case trueDynamics
    /// `(1 − λ)·learned + λ·true` for next states and rewards.
    case interpolated(Float)
    /// No model: no fit, no rollouts, every batch row real (``OfflineTrainingConfiguration/realRatio`` must be 1).
    case noModel

    /// Parses `learned`, `true`, `interpolate:λ` (λ in [0, 1]) or `none`.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming the accepted forms.
    public init(parsing text: String) throws(OfflineTrainingError) {
        let lower = text.lowercased()
        switch lower {
        case "learned", "model", "ensemble": self = .learned
        case "true", "oracle": self = .trueDynamics
        case "none": self = .noModel
        default:
            if lower.hasPrefix("interpolate:"), let lambda = Float(lower.dropFirst("interpolate:".count)), (0...1).contains(lambda) {
                self = .interpolated(lambda)
            } else {
                throw .invalidConfiguration("unknown dynamics source '\(text)'; use learned, true, interpolate:λ with λ in [0, 1], or none")
            }
        }
    }

    public var description: String {
        switch self {
        case .learned: return "learned"
        case .trueDynamics: return "true"
        case let .interpolated(lambda): return "interpolate:\(lambda)"
        case .noModel: return "none"
        }
    }

    /// Whether the run needs the fitted ensemble.
    public var usesLearnedModel: Bool { self != .trueDynamics && self != .noModel }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
