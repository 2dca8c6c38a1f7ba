import OfflineRL

/// An ensemble model of ``Corridor`` for the offline checks: `members` members that all give the
/// exact dynamics, except, when `trap` is set, inside the trap zone, where they disagree about the
/// reward (members alternate `trap.meanReward ∓ trap.spread`, each reporting a standard deviation
/// `trap.reportedStd`) while the real task pays 0 there — an optimistic, uncertain model error of
/// the kind MOPO's penalty exists for — and, with `trap.nextShift`, about the next state (the
/// error MOBILE's and MOREC's checks need). Without a trap every member is exact and every penalty is 0.
final class CorridorModel: DynamicsModel {
    /// A region of spurious, uncertain reward.
    struct Trap {
        var zone: ClosedRange<Float> = 0.5...2.5
        var meanReward: Float = 2
        var spread: Float = 1
        var reportedStd: Float = 1.5
        /// Added to the next position predicted by the members with the higher reward (odd `e`):
        /// 0 keeps every member's next state exact (a reward error only, invisible to MOBILE and
        /// MOREC); otherwise those members also disagree about where the step leads.
        var nextShift: Float = 0

        /// A next-state trap off the way to the far end, between the start and the near end: half
        /// the members are exact (reward 0), the other half pay 6 and put the walker 1 further
        /// right, so a learner that trusts a random member loiters there (expected model reward 3
        /// a step, worth about 15 at γ = 0.9 even with the real rows' 0 mixed in, against the far
        /// end's 10); no member reports a standard deviation, so MOPO's penalty is 0 here. A lure
        /// of 2 a step on the far end's path (the first version) tied MBPO's choice (about 10
        /// either way), so whether it was caught depended on the seed and the BLAS kernels.
        static let nextState = Trap(zone: -0.95 ... -0.25, meanReward: 3, spread: 3, reportedStd: 0, nextShift: 1)
    }

    let members: Int
    let trap: Trap?
    var observationDimension: Int { 1 }
    var actionDimension: Int { 1 }
    var eliteCount: Int { members }

    init(members: Int = 4, trap: Trap? = nil) {
        precondition(members >= 2 && members % 2 == 0, "CorridorModel: an even number of members")
        self.members = members
        self.trap = trap
    }

    /// Member `e`'s next observation, reward, terminal flag and reported reward standard deviation.
    func predict(_ p: Float, _ a: Float, member e: Int) -> (next: Float, reward: Float, terminal: Float, rewardStd: Float) {
        let t = Corridor.transition(p, a)
        if let trap, !t.terminated, trap.zone.contains(t.next) {
            let sign: Float = e % 2 == 0 ? -1 : 1
            return (t.next + (e % 2 == 0 ? 0 : trap.nextShift), trap.meanReward + sign * trap.spread, 0, trap.reportedStd)
        }
        return (t.next, Float(t.reward), t.terminated ? 1 : 0, 0)
    }

    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let rows = observations.shape[0], s = observations.scalars, u = actions.scalars
        var next = [Float](), rewards = [Float](), terminals = [Float]()
        var means = [Float](repeating: 0, count: members * rows * 2), stds = means
        for b in 0..<rows {
            let chosen = Int(rng.uniform() * Float(members)) % members
            for e in 0..<members {
                let m = predict(s[b], u[b], member: e)
                means[(e * rows + b) * 2] = m.next
                means[(e * rows + b) * 2 + 1] = m.reward
                stds[(e * rows + b) * 2 + 1] = m.rewardStd
                if e == chosen { next.append(m.next); rewards.append(m.reward); terminals.append(m.terminal) }
            }
        }
        let step = ModelStep(nextObservations: Tensor(shape: [rows, 1], scalars: next), rewards: Tensor(rewards),
                             terminals: Tensor(terminals))
        guard memberStatistics else { return step }
        return ModelStep(nextObservations: step.nextObservations, rewards: step.rewards, terminals: step.terminals,
                         memberMeans: Tensor(shape: [members, rows, 2], scalars: means),
                         memberStandardDeviations: Tensor(shape: [members, rows, 2], scalars: stds))
    }

    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        let rows = observations.shape[0], s = observations.scalars, u = actions.scalars
        var next = [Float](), rewards = [Float]()
        for _ in 0..<samples {
            for e in 0..<members {
                for b in 0..<rows {
                    let m = predict(s[b], u[b], member: e)
                    next.append(m.next)
                    rewards.append(m.reward)
                }
            }
        }
        return EliteSamples(nextObservations: Tensor(shape: [samples, members, rows, 1], scalars: next),
                            rewards: Tensor(shape: [samples, members, rows], scalars: rewards))
    }
}
