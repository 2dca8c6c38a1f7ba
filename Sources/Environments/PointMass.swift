/// A point mass that must reach the origin: a pure-Swift task with a known optimal policy and
/// return, so that learning tests run in seconds without MuJoCo.
///
/// State and observation: position `p ∈ ℝᵈ`. Action `a ∈ [−1, 1]ᵈ` (clipped). Dynamics and reward:
/// ```
/// p' = p + stepSize · clip(a, −1, 1)
/// r  = −‖p'‖₂
/// ```
/// Never terminates; wrap it in ``TimeLimit`` for an episode length. Initial positions are
/// uniform in `[−1, 1]ᵈ`.
///
/// **Optimum.** Every coordinate moves independently by at most `stepSize`, and `‖p'‖` is smallest
/// when each `|p'ᵢ|` is; the greedy action `aᵢ = clip(−pᵢ / stepSize, −1, 1)` minimizes every
/// coordinate at every step simultaneously, so it is optimal for any horizon and discount
/// (``optimalAction(for:)``, ``optimalReturn(from:steps:discount:)``).
public struct PointMass: Environment, Sendable {
    /// Dimension of the default task registered as `pointmass`.
    public static let defaultDimension = 2
    /// Dimension `d` of position and action.
    public let dimension: Int
    /// Largest move per step along each axis.
    public let stepSize: Float
    /// The current position.
    public private(set) var position: [Float]

    /// A `dimension`-dimensional point mass moving at most `stepSize` per axis per step.
    public init(dimension: Int = PointMass.defaultDimension, stepSize: Float = 0.1) {
        precondition(dimension > 0 && stepSize > 0, "PointMass: dimension and stepSize must be positive")
        self.dimension = dimension
        self.stepSize = stepSize
        position = [Float](repeating: 0, count: dimension)
    }

    public var observationSpec: BoxSpec { .unbounded(dimension) }
    public var actionSpec: BoxSpec { BoxSpec(dimension: dimension, low: -1, high: 1) }

    /// Never terminal.
    public static func terminationFunction(dimension: Int) -> TerminationFunction {
        TerminationFunction(name: "pointmass", observationDimension: dimension) { _ in false }
    }

    public mutating func reset(seed: UInt64, into observation: inout [Float]) {
        var rng = RandomGenerator(seed: seed)
        for i in 0..<dimension { position[i] = rng.uniform(-1, 1) }
        setPosition(position, observation: &observation)
    }

    /// Places the point at `position` (for tests and for rebuilding a state from an observation).
    public mutating func setPosition(_ newPosition: [Float], observation: inout [Float]) {
        precondition(newPosition.count == dimension && observation.count == dimension,
                     "PointMass: position and observation need \(dimension) entries")
        position = newPosition
        for i in 0..<dimension { observation[i] = position[i] }
    }

    public mutating func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome {
        precondition(action.count == dimension && observation.count == dimension,
                     "PointMass: action and observation need \(dimension) entries")
        var squared = 0.0
        for i in 0..<dimension {
            position[i] += stepSize * Swift.min(Swift.max(action[i], -1), 1)
            observation[i] = position[i]
            squared += Double(position[i]) * Double(position[i])
        }
        return StepOutcome(reward: -squared.squareRoot(), terminated: false, truncated: false)
    }

    /// The optimal action at `observation`: `clip(−p / stepSize, −1, 1)` per axis.
    public func optimalAction(for observation: [Float]) -> [Float] {
        observation.map { Swift.min(Swift.max(-$0 / stepSize, -1), 1) }
    }

    /// The return of the optimal policy over `steps` steps from `observation`, discounted by `discount`.
    public func optimalReturn(from observation: [Float], steps: Int, discount: Double = 1) -> Double {
        var copy = self
        var obs = observation
        copy.setPosition(observation, observation: &obs)
        var total = 0.0, weight = 1.0
        for _ in 0..<steps {
            total += weight * copy.step(copy.optimalAction(for: obs), into: &obs).reward
            weight *= discount
        }
        return total
    }
}
