import Foundation

/// A dynamics reward r_D(s, a, s'): how consistent a transition is with the data's dynamics
/// (Luo et al., ICLR 2024; <doc:RewardConsistentDynamics>). The transition filter (``RewardConsistentFilter``) needs only this.
///
/// ```swift
/// let r = reward.rewards(observations: s, actions: a, candidates: sNext)   // [C, B, obs] → [C, B]
/// ```
public protocol DynamicsRewardFunction: AnyObject {
    /// Observation width.
    var observationDimension: Int { get }
    /// Action width.
    var actionDimension: Int { get }
    /// The range every reward lies in.
    var range: ClosedRange<Float> { get }

    /// Rewards of candidate next states.
    /// - Parameters:
    ///   - observations: s, `[B, obs]`.
    ///   - actions: a, `[B, act]`.
    ///   - candidates: s' candidates, `[C, B, obs]` (or `[B, obs]` for one).
    /// - Returns: `[C, B]` (or `[B]` for `[B, obs]` candidates).
    func rewards(observations: Tensor, actions: Tensor, candidates: Tensor) -> Tensor
}

/// The per-snapshot calibration and the ensemble average of the official reward models
/// (`polixir/morec` `models/discriminator_ensemble_loader.py`, `ensemble_strategy = prob_mean_clip`):
///
/// ```
/// ℓ̂_k = clamp(ℓ_k, L_k, E_k)                      (E_k ≤ L_k: torch's clamp returns E_k)
/// ℓ̃_k = (ℓ̂_k − L_k) / (E_k − L_k + 1e-7) · 2 − 1   ∈ [−1, 1]
/// p̄   = mean_k sigmoid(ℓ̃_k)                        ∈ [0.2689, 0.7311]
/// r   = −log(1 − p̄ + 1e-9)                          ∈ [0.3133, 1.3133]
/// ```
/// E_k ("expert value") and L_k ("learner value") are snapshot k's mean logits on data and on
/// generator samples when it was taken, so "as real as the data" maps to +1 and "as fake as the
/// generator" to −1.
public enum DynamicsRewardCalibration {
    /// The smallest reward, `−log(1 − sigmoid(−1))` ≈ 0.3133.
    public static let minimumReward: Float = -logf(1 - Tensor.sigmoid(-1))
    /// The largest reward, `−log(1 − sigmoid(1))` ≈ 1.3133.
    public static let maximumReward: Float = -logf(1 - Tensor.sigmoid(1) + 1e-9)

    /// ℓ̃ of one snapshot: the logit clamped to [L, E] and mapped linearly to [−1, 1].
    @inlinable
    public static func calibratedLogit(_ logit: Float, expert: Float, learner: Float) -> Float {
        let clamped = expert <= learner ? expert : Swift.min(Swift.max(logit, learner), expert)
        return (clamped - learner) / (expert - learner + 1e-7) * 2 - 1
    }

    /// r from the mean probability p̄.
    @inlinable
    public static func reward(meanProbability p: Float) -> Float { -logf(1 - p + 1e-9) }

    /// The mean probability p̄ at which the reward equals `r` (r = 0.6 → p̄ ≈ 0.4512).
    public static func meanProbability(reward r: Float) -> Float { 1 - expf(-r) }

    /// Rewards from raw logits `[K, N]` and per-snapshot constants: `[N]`.
    public static func rewards(logits: Tensor, expert: [Float], learner: [Float]) -> Tensor {
        let k = logits.shape[0], n = logits.shape[1]
        precondition(expert.count == k && learner.count == k, "DynamicsRewardCalibration: \(k) snapshots, \(expert.count)/\(learner.count) constants")
        return Tensor(shape: [n]) { r in
            logits.withUnsafeBufferPointer { l in
                for i in 0..<n { r[i] = 0 }
                for s in 0..<k {
                    let e = expert[s], lo = learner[s]
                    for i in 0..<n { r[i] += Tensor.sigmoid(calibratedLogit(l[s * n + i], expert: e, learner: lo)) }
                }
                let inverse = 1 / Float(k)
                for i in 0..<n { r[i] = reward(meanProbability: r[i] * inverse) }
            }
        }
    }
}
