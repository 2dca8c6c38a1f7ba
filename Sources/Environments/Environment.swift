/// The bounds of a real-valued vector space (observations or actions): `low[i] ≤ x[i] ≤ high[i]`.
///
/// Unbounded components use `-Float.infinity` / `Float.infinity`, as Gymnasium's `Box` does.
public struct BoxSpec: Sendable, Equatable, Codable {
    /// Lower bound of each component.
    public var low: [Float]
    /// Upper bound of each component.
    public var high: [Float]

    /// Number of components.
    public var dimension: Int { low.count }

    /// A space with the given per-component bounds (equal lengths).
    public init(low: [Float], high: [Float]) {
        precondition(low.count == high.count, "BoxSpec: \(low.count) lower bounds but \(high.count) upper bounds")
        self.low = low
        self.high = high
    }

    /// A space of `dimension` components, each in `[low, high]`.
    public init(dimension: Int, low: Float, high: Float) {
        self.init(low: [Float](repeating: low, count: dimension), high: [Float](repeating: high, count: dimension))
    }

    /// An unbounded space of `dimension` components.
    public static func unbounded(_ dimension: Int) -> BoxSpec {
        BoxSpec(dimension: dimension, low: -.infinity, high: .infinity)
    }
}

/// What one step reports besides the observation: Gymnasium's `(reward, terminated, truncated)`.
public struct StepOutcome: Sendable, Equatable {
    /// The reward of the transition (computed in Float64, as MuJoCo and Gymnasium do).
    public var reward: Double
    /// The task reached a terminal state (for example Hopper fell); bootstrapping must stop.
    public var terminated: Bool
    /// The episode was cut for a reason outside the task, such as a time limit (``TimeLimit``).
    public var truncated: Bool

    /// An outcome from its three parts.
    public init(reward: Double, terminated: Bool, truncated: Bool) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// One step's full result, with a freshly allocated observation (see ``Environment/step(_:)``).
public struct StepResult: Sendable, Equatable {
    /// The next observation.
    public var observation: [Float]
    /// The reward of the transition.
    public var reward: Double
    /// The task reached a terminal state.
    public var terminated: Bool
    /// The episode was cut by a time limit.
    public var truncated: Bool
}

/// A reinforcement-learning task with Gymnasium's step semantics.
///
/// `reset(seed:into:)` starts an episode from a seeded random initial state; identical seeds give
/// identical initial states. `step(_:into:)` applies an action, writes the next observation into a
/// caller-owned buffer (no allocation per step) and returns reward and the two end flags:
/// `terminated` (the task says stop, do not bootstrap) and `truncated` (cut by a time limit).
///
/// ```swift
/// var env = try makeEnvironment(named: "hopper")      // TimeLimit(Hopper(), 1000)
/// var observation = env.reset(seed: 0)
/// var rng = RandomGenerator(seed: 1)
/// var action = [Float](repeating: 0, count: env.actionSpec.dimension)
/// var episodeReturn = 0.0
/// while true {
///     for i in action.indices { action[i] = rng.uniform(-1, 1) }
///     let outcome = env.step(action, into: &observation)
///     episodeReturn += outcome.reward
///     if outcome.terminated || outcome.truncated { break }
/// }
/// ```
///
/// Observations and actions are Float32 (the learning precision); simulators may work in Float64.
///
/// ### See Also
/// - ``TimeLimit``, ``makeEnvironment(named:maxEpisodeSteps:assets:)``, ``TerminationFunction``
public protocol Environment {
    /// The observation space.
    var observationSpec: BoxSpec { get }
    /// The action space. Actions outside it are clipped where the environment says so.
    var actionSpec: BoxSpec { get }

    /// Starts a new episode from an initial state drawn with `RandomGenerator(seed: seed)` and
    /// writes the first observation into `observation` (length `observationSpec.dimension`).
    mutating func reset(seed: UInt64, into observation: inout [Float])

    /// Applies `action` (length `actionSpec.dimension`), writes the next observation into
    /// `observation` (length `observationSpec.dimension`) and returns reward and end flags.
    mutating func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome
}

extension Environment {
    /// Starts a new episode (see ``reset(seed:into:)``) and returns the first observation.
    public mutating func reset(seed: UInt64) -> [Float] {
        var observation = [Float](repeating: 0, count: observationSpec.dimension)
        reset(seed: seed, into: &observation)
        return observation
    }

    /// Applies `action` and returns the next observation with reward and end flags; allocates the
    /// observation, so loops that care use ``step(_:into:)``.
    public mutating func step(_ action: [Float]) -> StepResult {
        var observation = [Float](repeating: 0, count: observationSpec.dimension)
        let outcome = step(action, into: &observation)
        return StepResult(observation: observation, reward: outcome.reward, terminated: outcome.terminated,
                          truncated: outcome.truncated)
    }
}
