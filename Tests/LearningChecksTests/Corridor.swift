import Foundation
import OfflineRL

/// A 1-D episodic corridor whose myopic choice is wrong, defined here (not in the library) for the
/// learning checks with known answers.
///
/// ```
/// p₀ ~ U[−0.2, 0.2],   p' = p + clip(a, −1, 1)
/// p' ≤ −1 :  reward 4,  terminated   (the near end: one or two steps away)
/// p' ≥ +3 :  reward 10, terminated   (the far end: three or four steps away)
/// otherwise: reward 0
/// ```
/// After termination the observation reads 0 (the middle of the start interval, as an auto-reset
/// would show), so a learner that bootstraps through terminals sees the start state's value after
/// each end. With γ = 0.9 the far end is worth γ²·10 ≈ 8.1 > 4 from the start, so the optimal
/// policy walks right (undiscounted return 10); a learner with γ = 0 prefers the near end (4 vs 0),
/// and one that ignores the terminal mask loops through the near end (4/(1 − γ) = 40) rather than
/// the far one (γ²·10/(1 − γ³) ≈ 29.9): both return 4. A policy that dithers until the time limit returns 0.
struct Corridor: Environment, Sendable {
    static let nearEnd: Float = -1, farEnd: Float = 3
    static let nearReward = 4.0, farReward = 10.0
    /// The discount the checks train with.
    static let discount: Float = 0.9

    /// The learner's settings every corridor check shares: small networks, fast learning rates,
    /// the task's discount (other SAC settings stay the caller's).
    static func tune(_ sac: inout SACConfiguration) {
        sac.hiddenSizes = [64, 64]
        sac.batchSize = 128
        sac.discount = discount
        sac.actorLearningRate = 1e-3
        sac.criticLearningRate = 1e-3
        sac.alphaLearningRate = 1e-3
    }
    /// The optimal undiscounted return.
    static let optimalReturn = farReward

    private(set) var position: Float = 0

    var observationSpec: BoxSpec { .unbounded(1) }
    var actionSpec: BoxSpec { BoxSpec(dimension: 1, low: -1, high: 1) }

    /// The task in a 20-step time limit, as the checks use it.
    static func timeLimited() -> any Environment { TimeLimit(Corridor(), maxEpisodeSteps: 20) }

    mutating func reset(seed: UInt64, into observation: inout [Float]) {
        var rng = RandomGenerator(seed: seed)
        position = rng.uniform(-0.2, 0.2)
        observation[0] = position
    }

    mutating func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome {
        let t = Self.transition(position, action[0])
        position = t.next
        observation[0] = t.next
        return StepOutcome(reward: t.reward, terminated: t.terminated, truncated: false)
    }

    /// The exact dynamics: next observation, reward and termination of `a` at `p`.
    static func transition(_ p: Float, _ a: Float) -> (next: Float, reward: Double, terminated: Bool) {
        let q = p + Swift.min(Swift.max(a, -1), 1)
        if q <= nearEnd { return (0, nearReward, true) }
        if q >= farEnd { return (0, farReward, true) }
        return (q, 0, false)
    }

    /// `episodes` episodes of uniformly random actions (a poor behaviour policy: it reaches the near
    /// end about three times as often as the far one), written in D4RL layout to `path`; returns
    /// the behaviour policy's mean episode return.
    @discardableResult
    static func writeRandomDataset(to path: String, episodes: Int, seed: UInt64) throws -> Double {
        var env = timeLimited()
        var rng = RandomGenerator(seed: seed)
        var observation: [Float] = [0], next: [Float] = [0]
        var s = [Float](), u = [Float](), r = [Float](), s2 = [Float](), terminals = [Bool](), timeouts = [Bool]()
        var total = 0.0
        for episode in 0..<episodes {
            env.reset(seed: seed &+ 1000 &+ UInt64(episode), into: &observation)
            while true {
                let action = [rng.uniform(-1, 1)]
                let outcome = env.step(action, into: &next)
                s += observation; u += action; r.append(Float(outcome.reward)); s2 += next
                terminals.append(outcome.terminated)
                timeouts.append(outcome.truncated && !outcome.terminated)
                total += outcome.reward
                observation = next
                if outcome.terminated || outcome.truncated { break }
            }
        }
        let n = r.count
        let dataset = try OfflineDataset(source: "corridor random test data", observations: Tensor(shape: [n, 1], scalars: s),
                                         actions: Tensor(shape: [n, 1], scalars: u), rewards: Tensor(r), terminals: terminals,
                                         timeouts: timeouts, nextObservations: Tensor(shape: [n, 1], scalars: s2))
        try D4RLFile.write(dataset, to: path, metadata: ["environment": "corridor"])
        return total / Double(episodes)
    }

    /// The deterministic return of `policy` from the start `p₀`, discounted by `discount`, in Double,
    /// over at most `steps` steps (the Monte-Carlo return of a deterministic policy is one rollout).
    static func discountedReturn(from p0: Float, discount: Double, steps: Int = 200, policy: (Float) -> Float) -> Double {
        var p = p0, total = 0.0, weight = 1.0
        for _ in 0..<steps {
            let t = transition(p, policy(p))
            total += weight * t.reward
            if t.terminated { break }
            weight *= discount
            p = t.next
        }
        return total
    }
}
