/// Where the loop's model transitions come from (`--dynamics`): the learned ensemble, the true
/// simulator (RAVL's edge-of-reach experiment, Sims et al. 2024 §3), or a blend of the two
/// (their Fig. 1, ``DynamicsModels/InterpolatedDynamics``). Written as `learned`, `true` or
/// `interpolate:λ` in configurations.
public enum DynamicsSource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The fitted ensemble (or single model).
    case learned
    /// ``DynamicsModels/TrueDynamics``: the simulator stepped from the rebuilt state.
    case trueDynamics
    /// `(1 − λ)·learned + λ·true` for next states and rewards.
    case interpolated(Float)

    /// Parses `learned`, `true` or `interpolate:λ` (λ in [0, 1]).
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming the accepted forms.
    public init(parsing text: String) throws(OfflineTrainingError) {
        let lower = text.lowercased()
        switch lower {
        case "learned", "model", "ensemble": self = .learned
        case "true", "oracle": self = .trueDynamics
        default:
            if lower.hasPrefix("interpolate:"), let lambda = Float(lower.dropFirst("interpolate:".count)), (0...1).contains(lambda) {
                self = .interpolated(lambda)
            } else {
                throw .invalidConfiguration("unknown dynamics source '\(text)'; use learned, true or interpolate:λ with λ in [0, 1]")
            }
        }
    }

    public var description: String {
        switch self {
        case .learned: return "learned"
        case .trueDynamics: return "true"
        case let .interpolated(lambda): return "interpolate:\(lambda)"
        }
    }

    /// Whether the run needs the fitted ensemble.
    public var usesLearnedModel: Bool { self != .trueDynamics }

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
