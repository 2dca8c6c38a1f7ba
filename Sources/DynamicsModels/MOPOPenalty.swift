/// A reward penalty applied to model transitions as they are rolled out:
/// `r̃ = r − coefficient · penalty(step)`.
///
/// ### See Also
/// - ``MOPOPenalty``, ``ModelRollout``
public protocol RewardPenalty: Sendable {
    /// λ, the weight of the penalty in the reward.
    var coefficient: Float { get }
    /// Whether ``penalty(for:)`` reads ``ModelStep/memberMeans`` or ``ModelStep/memberStandardDeviations``.
    var needsMemberStatistics: Bool { get }
    /// The unweighted penalty u of every row, `[B]`.
    func penalty(for step: ModelStep) -> Tensor
}

/// MOPO's uncertainty penalty (Yu et al. 2020, "MOPO", eq. 5 and §4.3 "maximum learned variance"),
/// as OfflineRL-Kit computes it (`uncertainty_mode="aleatoric"`, ensemble_dynamics.py `step`):
///
/// ```
/// u(s, a) = max_{e ∈ all E members} ‖σ_e(s, a)‖₂        (norm over the obs + 1 dims: Δs and r)
/// r̃(s, a) = r − λ·u(s, a)
/// ```
/// Every member counts, not only the elites. λ per task: OfflineRL-Kit `run_example/run_mopo.py` (e.g. 0.5 for
/// halfcheetah-medium, 5 for hopper-medium; Kit's script default 2.5).
///
/// ```swift
/// let mopo = MOPOPenalty(coefficient: 0.5)
/// let u = mopo.penalty(for: model.step(s, a, rng: &rng))   // [B]
/// ```
public struct MOPOPenalty: RewardPenalty, Codable, Equatable {
    /// λ.
    public var coefficient: Float

    /// Creates the penalty with weight λ.
    public init(coefficient: Float) { self.coefficient = coefficient }

    public var needsMemberStatistics: Bool { true }

    /// `max_e ‖σ_e‖₂` per row.
    public func penalty(for step: ModelStep) -> Tensor {
        guard let stds = step.memberStandardDeviations else {
            preconditionFailure("MOPOPenalty: the step has no member standard deviations; call step(_:_:memberStatistics: true, rng:)")
        }
        return Self.maximumStandardDeviationNorm(stds)
    }

    /// `max_e ‖σ_e[b]‖₂` for standard deviations `[E, B, D]`, returning `[B]`.
    public static func maximumStandardDeviationNorm(_ stds: Tensor) -> Tensor {
        precondition(stds.rank == 3, "MOPOPenalty: standard deviations must be [E, B, D], got \(stds.shape)")
        let members = stds.shape[0], rows = stds.shape[1], d = stds.shape[2]
        return Tensor(shape: [rows]) { out in
            stds.withUnsafeBufferPointer { s in
                for b in 0..<rows {
                    var worst: Float = 0
                    for e in 0..<members {
                        var sum: Float = 0
                        for j in 0..<d { let v = s[(e * rows + b) * d + j]; sum += v * v }
                        worst = Swift.max(worst, sum.squareRoot())
                    }
                    out[b] = worst
                }
            }
        }
    }
}
