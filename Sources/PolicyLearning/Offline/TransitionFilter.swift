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
/// - ``KeepAllTransitions``, ``PolicyRollout``, ``DynamicsModels/RewardPenalty``
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
