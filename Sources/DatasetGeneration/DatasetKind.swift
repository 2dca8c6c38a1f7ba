/// The D4RL recipes this library reproduces (Fu et al. 2020, section 5; D4RL's
/// `scripts/generation/mujoco/`).
public enum DatasetKind: String, CaseIterable, Codable, Sendable {
    /// A randomly initialised policy, sampled.
    case random
    /// A SAC policy stopped at about one third of the expert's return, sampled.
    case medium
    /// A fully trained SAC policy, sampled.
    case expert
    /// The replay buffer of SAC training up to the medium policy.
    case mediumReplay = "medium-replay"
    /// Medium and expert data concatenated (medium truncated after its last episode end).
    case mediumExpert = "medium-expert"
    /// The whole replay buffer of SAC training up to the expert policy.
    case fullReplay = "full-replay"

    /// Replay kinds are stored as float64, as D4RL's medium-replay and full-replay files are.
    public var isReplay: Bool { self == .mediumReplay || self == .fullReplay }
}
