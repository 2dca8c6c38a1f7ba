import Foundation
import Testing
import TestSupport
import PolicyLearning

/// Rejects rows whose first observation entry is negative, and counts its calls.
final class RejectNegative: TransitionFilter {
    var calls = 0
    var needsMemberStatistics: Bool { false }
    func filter(observations: Tensor, actions: Tensor, step: inout ModelStep, model: any DynamicsModel,
                rng: inout RandomGenerator) -> [Bool] {
        calls += 1
        return (0..<step.count).map { observations.scalars[2 * $0] >= 0 }
    }
}

@Suite("Offline plug-ins: MOPO penalty, transition filter, MOBILE penalty")
struct OfflinePlugInTests {
    /// MOPO (Yu et al. 2020 eq. 5): r̃ = r − λ·max_e ‖σ_e‖₂. Members' σ = (3, 4, 0) and (1, 1, 0):
    /// norms 5 and √2, so u = 5; with r = 10, λ = 0.5: r̃ = 7.5 on every stored row.
    @Test func mopoPenaltyMatchesTheHandComputation() {
        let model = StubModel()
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        var rng = RandomGenerator(seed: 1)
        let starts = Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 2, 2, 3, 3])
        let report = ModelRollout(horizon: 2).run(
            model: model, startObservations: starts, policy: { s, _ in Tensor(repeating: 0.5, shape: [s.shape[0], 1]) },
            penalty: MOPOPenalty(coefficient: 0.5), into: &buffer, rng: &rng)
        #expect(buffer.count == 8)
        #expect(report.transitionsAdded == 8)
        let stored = buffer.orderedTransitions()
        #expect(stored.rewards.scalars.allSatisfy { $0 == 7.5 }, "\(stored.rewards.scalars)")
        #expect(report.meanPenalty == 5)
        #expect(report.meanRawReward == 10)
        #expect(report.meanReward == 7.5)
        // Second step starts where the first ended: s' = s + 0.5.
        #expect(stored.observations.scalars[8..<10] == [0.5, 0.5])
    }

    /// Terminal rows are stored but not continued.
    @Test func terminatedRowsStopTheirRollout() {
        let model = StubModel()
        model.terminalAbove = 2.4     // rows starting at 2 and 3 end at their first step
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        var rng = RandomGenerator(seed: 1)
        let report = ModelRollout(horizon: 3).run(
            model: model, startObservations: Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 2, 2, 3, 3]),
            policy: { s, _ in Tensor(repeating: 0.5, shape: [s.shape[0], 1]) }, into: &buffer, rng: &rng)
        #expect(report.activeRows == [4, 2, 2])
        #expect(report.terminatedRows == [2, 0, 1])   // the row from 1 passes 2.4 at its third step
        #expect(buffer.count == 8)
        #expect(buffer.orderedTransitions().terminals.scalars.filter { $0 == 1 }.count == 3)
    }

    /// The filter is called on every step; rejected rows are neither stored nor continued.
    @Test func transitionFilterIsCalledAndRejectedRowsAreDropped() {
        let model = StubModel()
        let filter = RejectNegative()
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        var rng = RandomGenerator(seed: 1)
        let report = ModelRollout(horizon: 3).run(
            model: model, startObservations: Tensor(shape: [4, 2], scalars: [-1, 0, -0.2, 0, 1, 1, 2, 2]),
            policy: { s, _ in Tensor(repeating: 0.5, shape: [s.shape[0], 1]) }, filter: filter,
            penalty: MOPOPenalty(coefficient: 0.5), into: &buffer, rng: &rng)
        #expect(filter.calls == 3)
        #expect(report.activeRows == [4, 2, 2])
        #expect(report.rejectedRows == [2, 0, 0])
        #expect(buffer.count == 6)
        #expect(buffer.orderedTransitions().observations.scalars.allSatisfy { $0 >= 0 })
        #expect(abs(report.keptFraction - 0.75) < 1e-12)
        // The pass-through default keeps everything.
        var all = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        _ = ModelRollout(horizon: 3).run(
            model: model, startObservations: Tensor(shape: [4, 2], scalars: [-1, 0, -0.2, 0, 1, 1, 2, 2]),
            policy: { s, _ in Tensor(repeating: 0.5, shape: [s.shape[0], 1]) }, filter: KeepAllTransitions(),
            into: &all, rng: &rng)
        #expect(all.count == 12)
    }

    /// u = std_k(mean_n q) with Bessel's correction. q[0, ·, 0] = (0, 2, 5), q[1, ·, 0] = (2, 2, 7):
    /// means over samples (1, 2, 6), mean 3, squared deviations 4 + 1 + 9 = 14, u = √(14/2) = √7.
    /// Row 1 is constant across elites: u = 0.
    @Test func mobilePenaltyOfKnownValues() {
        let q = Tensor(shape: [2, 3, 2], scalars: [0, 4, 2, 4, 5, 4,
                                                   2, 4, 2, 4, 7, 4])
        let u = BellmanInconsistencyPenalty.penalty(minimumTargetValues: q)
        #expect(abs(u.scalars[0] - Float(7).squareRoot()) < 1e-6)
        #expect(u.scalars[1] == 0)
        #expect(BellmanInconsistencyPenalty.penalty(minimumTargetValues: Tensor.ones([4, 1, 3])).scalars == [0, 0, 0])
    }

    /// With one elite (the true dynamics) the penalty is 0 without sampling: the stub has no
    /// elite samples and would trap if asked for them; the targets are the plain deterministic backup.
    @Test func mobileWithOneEliteSamplesNothing() {
        var sac = SACConfiguration()
        sac.hiddenSizes = [16, 16]
        sac.logStdRange = -30 ... -30          // sampled actions equal tanh(μ) in Float
        var rng = RandomGenerator(seed: 9)
        let agent = SACAgent(observationDimension: 2, actionDimension: 1, configuration: sac, rng: &rng)
        let model = StubModel()                // eliteCount 1, no eliteNextObservations
        let adjustment = BellmanInconsistencyPenalty(model: model, configuration: MOBILEConfiguration(penaltyCoefficient: 2))
        adjustment.realRowCount = 1
        var batch = TransitionBatch(batchSize: 3, observationDimension: 2, actionDimension: 1)
        batch.nextObservations = Tensor.normal([3, 2], rng: &rng)
        batch.rewards = Tensor([1, 0.5, 2])
        batch.terminals = Tensor([0, 1, 0])
        var targets = Tensor([7, 7, 7])
        var metrics = TrainingMetrics()
        adjustment.adjust(&targets, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        for row in 0..<3 {
            let s = Tensor(shape: [1, 2], scalars: Array(batch.nextObservations.scalars[(row * 2)..<(row * 2 + 2)]))
            let a = agent.act(s, deterministic: true, rng: &rng)
            let q = Double(agent.targetCritics(Variable(s), Variable(a)).value.min())
            let expected = max(Double(batch.rewards.scalars[row]) + Double(sac.discount) * (1 - Double(batch.terminals.scalars[row])) * q, 0)
            #expect(abs(Double(targets.scalars[row]) - expected) < 1e-4 * max(1, abs(expected)), "row \(row)")
        }
        #expect(metrics["mobile_penalty"] == 0)
    }

    /// The full target rewrite against explicit per-row loops over samples, elites and critics:
    /// real rows unpenalised, y = max(r − β·u + γ(1 − d)·minⱼ Q̄ⱼ(s', π(s')), 0).
    @Test func mobileTargetsMatchAnExplicitComputation() {
        var sac = SACConfiguration()
        sac.hiddenSizes = [16, 16]
        sac.logStdRange = -30 ... -30          // σ ≈ 1e-13: sampled actions equal tanh(μ) in Float
        var rng = RandomGenerator(seed: 4)
        let agent = SACAgent(observationDimension: 2, actionDimension: 1, configuration: sac, rng: &rng)
        let (n, k, b, real) = (2, 3, 3, 1)
        let model = StubModel()
        model.eliteNextObservations = Tensor.normal([n, k, b - real, 2], rng: &rng)
        var mobile = MOBILEConfiguration(penaltyCoefficient: 2)
        mobile.samples = n
        let adjustment = BellmanInconsistencyPenalty(model: model, configuration: mobile)
        adjustment.realRowCount = real

        var batch = TransitionBatch(batchSize: b, observationDimension: 2, actionDimension: 1)
        batch.observations = Tensor.normal([b, 2], rng: &rng)
        batch.actions = Tensor.uniform([b, 1], low: -1, high: 1, rng: &rng)
        batch.nextObservations = Tensor.normal([b, 2], rng: &rng)
        batch.rewards = Tensor([1, 0.5, -1000])        // the last target clamps to 0
        batch.terminals = Tensor([0, 1, 0])

        func minQ(_ s: [Float]) -> Double {
            let a = agent.act(Tensor(shape: [1, 2], scalars: s), deterministic: true, rng: &rng)
            return Double(agent.targetCritics(Variable(Tensor(shape: [1, 2], scalars: s)), Variable(a)).value.min())
        }
        var expected = [Double]()
        for row in 0..<b {
            var u = 0.0
            if row >= real {
                var perElite = [Double]()
                for e in 0..<k {
                    var sum = 0.0
                    for sample in 0..<n {
                        let base = ((sample * k + e) * (b - real) + (row - real)) * 2
                        sum += minQ(Array(model.eliteNextObservations!.scalars[base..<(base + 2)]))
                    }
                    perElite.append(sum / Double(n))
                }
                let mean = perElite.reduce(0, +) / Double(k)
                u = (perElite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(k - 1)).squareRoot()
                #expect(u > 0)
            }
            let next = Array(batch.nextObservations.scalars[(row * 2)..<(row * 2 + 2)])
            let bootstrap = Double(sac.discount) * (1 - Double(batch.terminals.scalars[row])) * minQ(next)
            expected.append(max(Double(batch.rewards.scalars[row]) - 2 * u + bootstrap, 0))
        }

        var targets = Tensor([7, 7, 7])    // the agent's SAC targets, replaced by the deterministic backup
        var metrics = TrainingMetrics()
        adjustment.adjust(&targets, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        for row in 0..<b {
            #expect(abs(Double(targets.scalars[row]) - expected[row]) < 1e-4 * max(1, abs(expected[row])),
                    "row \(row): \(targets.scalars[row]) vs \(expected[row])")
        }
        #expect(targets.scalars[2] == 0)
        #expect(metrics["mobile_penalty"] != nil)
    }
}
