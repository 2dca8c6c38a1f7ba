import Foundation

/// A two-dimensional task with closed-form reachable sets, for studying the edge-of-reach problem
/// (<doc:ReachAwareValueLearning>). **Our stand-in, not the paper's environment**, whose exact
/// specification was not available.
///
/// ```
/// s ∈ ℝ²,  a ∈ [−1, 1]²,  s' = s + 0.1·a                     (deterministic)
/// r(s') = exp(−‖s' − g‖² / 0.05),  g = (0.5, 0),  r ∈ [0, 1]
/// rollouts: k = 10 steps from S₀ = {(0, 0)} in the true dynamics;  evaluation: H = 30 steps from (0, 0)
/// Reach_t = [−0.1t, 0.1t]²  (nested);   edge of reach (k = 10) = {s : 0.9 < ‖s‖∞ ≤ 1.0}
/// variant: S₀ = [−w, w]²:  Reach_t = [−w − 0.1t, w + 0.1t]²,  edge = {s : w + 0.1(k − 1) < ‖s‖∞ ≤ w + 0.1k}
/// certified bound: any Q > r_max/(1 − γ) = 1/(1 − γ) is an overestimate
/// ```
/// The goal lies inside the rollouts' reach (‖g‖∞ = 0.5: 5 steps), so a good policy never needs
/// an edge-of-reach state; their values are bootstrapped from nowhere (Sims et al. 2024, Fig. 2).
///
/// **Optimal value in closed form.** Per axis, the closest point to g reachable after t steps is
/// `clamp(g, s − 0.1t, s + 0.1t)`, and moving greedily towards g reaches all of them at once;
/// r decreases with ‖s' − g‖, so `V*(s) = Σ_{t≥1} γ^{t−1} r(clamp(g, s − 0.1t, s + 0.1t))`.
public struct EdgeOfReachToy: Codable, Sendable, Equatable {
    /// What is rewarded.
    public enum Reward: String, Codable, Sendable, CaseIterable {
        /// `exp(−‖s' − g‖² / width)`: reach the goal and stay.
        case goal
        /// `(x' − x) / 0.1 = clip(a_x)`: progress to the right, as locomotion rewards forward
        /// velocity (our variant); V* = 1/(1 − γ) everywhere (always move right at full speed).
        case progress
    }

    /// What is rewarded (default: the goal).
    public var rewardKind: Reward = .goal
    /// Largest move per axis per step.
    public var stepSize: Float = 0.1
    /// The goal g.
    public var goal: [Float] = [0.5, 0]
    /// The reward's width: r = exp(−‖s' − g‖² / width).
    public var rewardWidth: Float = 0.05
    /// Model-rollout length k.
    public var rolloutHorizon: Int = 10
    /// Evaluation episode length H.
    public var episodeSteps: Int = 30
    /// Discount γ.
    public var discount: Float = 0.99
    /// Rollouts start uniformly in `[−w, w]²` (0: every rollout starts at the origin, the default).
    public var startHalfWidth: Float = 0

    /// The stand-in task: goal (0.5, 0), k = 10, H = 30.
    public init() {}

    /// r(s') for one next state.
    public func reward(_ x: Float, _ y: Float) -> Float {
        let dx = x - goal[0], dy = y - goal[1]
        return Foundation.exp(-(dx * dx + dy * dy) / rewardWidth)
    }

    /// The true transition of one row: next state and reward.
    public func step(_ x: Float, _ y: Float, _ ax: Float, _ ay: Float) -> (x: Float, y: Float, reward: Float) {
        let cx = Swift.min(Swift.max(ax, -1), 1)
        let nx = x + stepSize * cx, ny = y + stepSize * Swift.min(Swift.max(ay, -1), 1)
        return (nx, ny, rewardKind == .goal ? reward(nx, ny) : cx)
    }

    /// Whether `(x, y)` can be reached from the start set `[−w, w]²` in k steps but in no fewer:
    /// `‖s‖∞ > w + 0.1(k − 1)` (with a tolerance of 1e-4 for Float32 sums of steps).
    public func isEdgeOfReach(_ x: Float, _ y: Float) -> Bool {
        Swift.max(Swift.abs(x), Swift.abs(y)) > interiorLimit + 1e-4
    }

    /// `w + 0.1(k − 1)`: the largest ‖s‖∞ reachable in fewer than k steps.
    public var interiorLimit: Float { startHalfWidth + stepSize * Float(rolloutHorizon - 1) }

    /// The certified bound r_max/(1 − γ) on any (non-soft) Q-value.
    public var valueBound: Double { 1 / (1 - Double(discount)) }

    /// V*(s) in closed form (see the type's discussion), in Double.
    public func optimalValue(_ x: Float, _ y: Float) -> Double {
        if rewardKind == .progress { return valueBound }
        let gamma = Double(discount), h = Double(stepSize)
        let gx = Double(goal[0]), gy = Double(goal[1]), sx = Double(x), sy = Double(y)
        var total = 0.0, weight = 1.0
        for t in 1...100_000 {
            let reach = h * Double(t)
            let px = Swift.min(Swift.max(gx, sx - reach), sx + reach), py = Swift.min(Swift.max(gy, sy - reach), sy + reach)
            let r = Foundation.exp(-((px - gx) * (px - gx) + (py - gy) * (py - gy)) / Double(rewardWidth))
            if px == gx && py == gy { return total + weight * r / (1 - gamma) }   // at g from here on
            total += weight * r
            weight *= gamma
        }
        return total
    }

    /// Q*(s, a) = r(s') + γ V*(s').
    public func optimalQ(_ x: Float, _ y: Float, _ ax: Float, _ ay: Float) -> Double {
        let n = step(x, y, ax, ay)
        return Double(n.reward) + Double(discount) * optimalValue(n.x, n.y)
    }
}

/// The toy's true dynamics as a ``DynamicsModels/DynamicsModel`` (one exact "member"), so the
/// library's ``DynamicsModels/ModelRollout`` rolls it out and tags every transition with its step.
public final class EdgeOfReachToyDynamics: DynamicsModel {
    /// The task.
    public let task: EdgeOfReachToy
    /// s ∈ ℝ².
    public var observationDimension: Int { 2 }
    /// a ∈ [−1, 1]².
    public var actionDimension: Int { 2 }
    /// One exact member.
    public var eliteCount: Int { 1 }

    /// The dynamics of `task`.
    public init(task: EdgeOfReachToy) { self.task = task }

    /// The exact next states and rewards (never terminal); member statistics have zero spread.
    public func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool,
                     rng: inout RandomGenerator) -> ModelStep {
        precondition(observations.rank == 2 && observations.shape[1] == 2 && actions.shape == observations.shape,
                     "EdgeOfReachToyDynamics: observations \(observations.shape) and actions \(actions.shape), expected [B, 2] each")
        let rows = observations.shape[0]
        let s = observations.scalars, a = actions.scalars
        var next = [Float](repeating: 0, count: rows * 2), rewards = [Float](repeating: 0, count: rows)
        for b in 0..<rows {
            let n = task.step(s[2 * b], s[2 * b + 1], a[2 * b], a[2 * b + 1])
            next[2 * b] = n.x
            next[2 * b + 1] = n.y
            rewards[b] = n.reward
        }
        let nextTensor = Tensor(shape: [rows, 2], scalars: next), rewardTensor = Tensor(rewards)
        guard memberStatistics else {
            return ModelStep(nextObservations: nextTensor, rewards: rewardTensor, terminals: Tensor.zeros([rows]))
        }
        let means = Tensor.concatenate([nextTensor, rewardTensor.reshaped([rows, 1])], axis: 1).reshaped([1, rows, 3])
        return ModelStep(nextObservations: nextTensor, rewards: rewardTensor, terminals: Tensor.zeros([rows]),
                         memberMeans: means, memberStandardDeviations: Tensor.zeros([1, rows, 3]))
    }

    /// The exact transition repeated `samples` times.
    public func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int,
                             rng: inout RandomGenerator) -> EliteSamples {
        let one = step(observations, actions, memberStatistics: false, rng: &rng)
        let rows = observations.shape[0]
        let next = Tensor.concatenate(Array(repeating: one.nextObservations, count: samples), axis: 0)
        let rewards = Tensor.concatenate(Array(repeating: one.rewards, count: samples), axis: 0)
        return EliteSamples(nextObservations: next.reshaped([samples, 1, rows, 2]), rewards: rewards.reshaped([samples, 1, rows]))
    }
}
