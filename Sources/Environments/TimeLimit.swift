/// Truncates episodes after a fixed number of steps, as Gymnasium's `TimeLimit` wrapper does
/// (D4RL registers every Gym-MuJoCo task with `max_episode_steps=1000`).
///
/// The step that reaches the limit reports `truncated = true`, also when the base environment
/// terminates on that same step (Gymnasium `wrappers/common.py::TimeLimit.step`:
/// `if self._elapsed_steps >= self._max_episode_steps: truncated = True`).
///
/// ```swift
/// var env = TimeLimit(try Hopper(), maxEpisodeSteps: 1000)
/// ```
public struct TimeLimit<Base: Environment>: Environment {
    /// The wrapped environment.
    public var base: Base
    /// Steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// Steps taken since the last reset.
    public private(set) var elapsedSteps = 0

    /// Wraps `base`, truncating episodes after `maxEpisodeSteps` steps (default 1000).
    public init(_ base: Base, maxEpisodeSteps: Int = 1000) {
        precondition(maxEpisodeSteps > 0, "TimeLimit: maxEpisodeSteps must be positive, got \(maxEpisodeSteps)")
        self.base = base
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var observationSpec: BoxSpec { base.observationSpec }
    public var actionSpec: BoxSpec { base.actionSpec }

    public mutating func reset(seed: UInt64, into observation: inout [Float]) {
        elapsedSteps = 0
        base.reset(seed: seed, into: &observation)
    }

    public mutating func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome {
        var outcome = base.step(action, into: &observation)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { outcome.truncated = true }
        return outcome
    }
}
