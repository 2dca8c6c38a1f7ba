import LinearAlgebra

/// A check on model transitions as they are rolled out, before any reward penalty: given the
/// candidate transitions of one rollout step it decides which to keep, and may rewrite them
/// (pick another candidate from the model, mark a row terminal). Rejected rows are neither stored
/// nor continued. MOREC (Luo et al. 2024, "Reward-Consistent Dynamics Models are Strongly
/// Generalizable for Offline Reinforcement Learning") implements it with a learned dynamics reward.
///
/// ```
/// for t in 1…h:  a = π(S);  step ~ model(S, a);  keep = filter(S, a, step)      ← this protocol
///                r̃ = r − λ·u  (RewardPenalty);  store rows with keep;  S ← S'[keep ∧ ¬done]
/// ```
///
/// ### See Also
/// - ``KeepAllTransitions``, ``ModelRollout``, ``RewardPenalty``, ``RolloutObserver``
public protocol TransitionFilter: AnyObject {
    /// Whether ``filter(observations:actions:step:model:rng:)`` reads the members' means or
    /// standard deviations (then the rollout asks the model for them).
    var needsMemberStatistics: Bool { get }

    /// Decides which candidate transitions to keep.
    ///
    /// - Parameters:
    ///   - observations: s, `[B, obs]`.
    ///   - actions: a, `[B, act]`.
    ///   - step: the model's sample for every row; may be rewritten in place (same shapes).
    ///   - model: the model, to draw further candidates (`sampleElites`).
    ///   - rng: the generator for any randomness.
    /// - Returns: `B` flags, `true` for rows to keep.
    func filter(observations: Tensor, actions: Tensor, step: inout ModelStep, model: any DynamicsModel,
                rng: inout RandomGenerator) -> [Bool]
}

/// The pass-through ``TransitionFilter``: keeps every row unchanged (MBPO, MOPO, MOBILE).
public final class KeepAllTransitions: TransitionFilter {
    /// Creates the filter.
    public init() {}

    public var needsMemberStatistics: Bool { false }

    /// Every row, unchanged.
    public func filter(observations: Tensor, actions: Tensor, step: inout ModelStep, model: any DynamicsModel,
                       rng: inout RandomGenerator) -> [Bool] {
        [Bool](repeating: true, count: step.count)
    }
}

/// One step of a ``ModelRollout``, as ``RolloutObserver``s see it: every row stepped at rollout
/// step ``t`` (0-based), after the ``TransitionFilter`` and the ``RewardPenalty``.
public struct RolloutStepEvent {
    /// The rollout step, `0 ..< horizon`; the transitions made here are tagged with it.
    public var t: Int
    /// The rollout horizon h (so `t == horizon - 1` is the last step, whose next states are
    /// never expanded further: RAVL's edge of reach).
    public var horizon: Int
    /// s, `[B, obs]`.
    public var observations: Tensor
    /// a, `[B, act]`.
    public var actions: Tensor
    /// The model's (possibly filter-rewritten) transition for every row, with member statistics
    /// when the filter or the penalty asked for them.
    public var step: ModelStep
    /// The rewards stored, `[B]`: `step.rewards` minus the penalty.
    public var storedRewards: Tensor
    /// The filter's decision per row; rows with `false` were neither stored nor continued.
    public var kept: [Bool]
}

/// Watches every step of a rollout without changing it: diagnostics such as MOREC's dynamics
/// reward against the true one-step error, or RAVL's values at edge-of-reach states.
public protocol RolloutObserver: AnyObject {
    /// Called once per rollout step and chunk of start states, in order.
    func observe(_ event: RolloutStepEvent)
}
