import Foundation
import Testing
import TestSupport
import MOREC

@Suite("Reward-consistent transition filter")
struct TransitionFilterTests {
    /// 2 samples × 3 elites × 2 rows; the rule reward peaks at s'₀ = 0.
    static func model() -> CandidateModel {
        // s'₀ per candidate (sample, elite) for row 0 and row 1; row 0's best is (1, 2) = 0.05,
        // row 1's best is (0, 1) = −0.01.
        let first: [[Float]] = [[0.9, 0.5, -0.4], [0.3, 0.7, 0.05]]
        let second: [[Float]] = [[0.6, -0.01, 0.2], [-0.8, 0.4, 0.3]]
        var scalars = [Float]()
        for j in 0..<2 { for e in 0..<3 { scalars += [first[j][e], 1, second[j][e], 2] } }
        return CandidateModel(candidates: Tensor(shape: [2, 3, 2, 2], scalars: scalars))
    }

    /// Argmax picks the highest-reward candidate and writes its s' and its own model reward.
    @Test func filterPicksTheArgmaxCandidate() {
        let filter = RewardConsistentFilter(reward: RuleReward(), threshold: 0, clipValue: 1e6)
        var rng = RandomGenerator(seed: 1)
        let model = Self.model()
        var step = model.step(Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), memberStatistics: false, rng: &rng)
        let kept = filter.filter(observations: Tensor.zeros([2, 2]), actions: Tensor.zeros([2, 1]), step: &step, model: model, rng: &rng)
        #expect(kept == [true, true])
        #expect(filter.lastChoices == [5, 1])                  // index sample·3 + elite
        #expect(step.nextObservations == Tensor([[0.05, 1], [-0.01, 2]]))
        #expect(step.rewards == Tensor([500, 101]))            // 100·candidate + row
        #expect(step.terminals == Tensor([0, 0]))
        #expect(isClose(filter.lastSelectedRewards, Tensor([1.25, 1.29]), atol: 1e-5))
    }

    /// Without a termination rule (a model of a task the library does not know) the model's own
    /// terminal flags survive the filter; a rule, when given, decides from the chosen s'.
    @Test func modelTerminalsAreKeptWithoutARule() {
        let model = Self.model()
        model.stepTerminals = [1, 0]
        var rng = RandomGenerator(seed: 1)
        let filter = RewardConsistentFilter(reward: RuleReward(), threshold: 0, clipValue: 1e6)
        var step = model.step(Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), memberStatistics: false, rng: &rng)
        _ = filter.filter(observations: Tensor.zeros([2, 2]), actions: Tensor.zeros([2, 1]), step: &step, model: model, rng: &rng)
        #expect(step.terminals == Tensor([1, 0]))
        // A rule on s'₁ (the second entry; 1 and 2 for the chosen candidates of rows 0 and 1).
        filter.termination = TerminationFunction(name: "test", observationDimension: 2) { $0[1] > 1.5 }
        var ruled = model.step(Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), memberStatistics: false, rng: &rng)
        _ = filter.filter(observations: Tensor.zeros([2, 2]), actions: Tensor.zeros([2, 1]), step: &ruled, model: model, rng: &rng)
        #expect(ruled.terminals == Tensor([0, 1]))
    }

    /// A chosen reward under the threshold makes the row terminal (kept, as the official code
    /// does); the ablation flag drops it instead.
    @Test func thresholdTerminates() {
        let reward = RuleReward()
        let filter = RewardConsistentFilter(reward: reward, threshold: 1.27, clipValue: 1e6)   // row 0's best is 1.25 < 1.27
        var rng = RandomGenerator(seed: 1)
        let model = Self.model()
        var step = model.step(Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), memberStatistics: false, rng: &rng)
        let kept = filter.filter(observations: Tensor.zeros([2, 2]), actions: Tensor.zeros([2, 1]), step: &step, model: model, rng: &rng)
        #expect(kept == [true, true])
        #expect(step.terminals == Tensor([1, 0]))
        filter.dropBelowThreshold = true
        var again = model.step(Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), memberStatistics: false, rng: &rng)
        #expect(filter.filter(observations: Tensor.zeros([2, 2]), actions: Tensor.zeros([2, 1]), step: &again, model: model, rng: &rng) == [false, true])
        // In a rollout: the terminal row is stored and not continued.
        filter.dropBelowThreshold = false
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        let stats = ModelRollout(horizon: 3).run(model: model, startObservations: Tensor.zeros([2, 2]),
                                                 policy: { s, _ in Tensor.zeros([s.shape[0], 1]) }, filter: filter,
                                                 into: &buffer, rng: &rng)
        // Step 0: row 0 (best 1.25) ends; row 1 continues as the only row, which the stub gives
        // row 0's candidates, so it ends at step 1.
        #expect(stats.activeRows == [2, 1, 0])
        #expect(stats.terminatedRows == [1, 1, 0])
        #expect(buffer.count == 3)
    }

    /// Softmax selection at a low temperature is the argmax; at a high one it spreads; the same
    /// seed gives the same choices.
    @Test func softmaxSelectionIsSeededAndTempered() {
        var rng = RandomGenerator(seed: 2)
        // Each row's 10 scores are 0.3, 0.4, …, 1.2 in a random order (no near-ties).
        var values = [Float](repeating: 0, count: 5_000)
        for b in 0..<500 { for (i, p) in rng.permutation(10).enumerated() { values[i * 500 + b] = 0.3 + 0.1 * Float(p) } }
        let scores = Tensor(shape: [10, 500], scalars: values)
        let argmax = RewardConsistentFilter.select(scores, selection: .argmax, rng: &rng)
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        #expect(RewardConsistentFilter.select(scores, selection: .softmax(temperature: 1e-4), rng: &a) == argmax)
        let hot1 = RewardConsistentFilter.select(scores, selection: .softmax(temperature: 0.1), rng: &a)
        _ = b
        var c = RandomGenerator(seed: 11), d = RandomGenerator(seed: 11)
        #expect(RewardConsistentFilter.select(scores, selection: .softmax(temperature: 0.1), rng: &c)
                == RewardConsistentFilter.select(scores, selection: .softmax(temperature: 0.1), rng: &d))
        let agree = zip(hot1, argmax).filter { $0 == $1 }.count
        #expect(agree > 100 && agree < 500, "softmax(10·r) agreed with argmax on \(agree) of 500 rows")
    }

    /// With a DynamicsEnsemble and member statistics, candidates come from the elites' μ, σ; the
    /// chosen reward row, the MOPO penalty and terminals compose in a rollout, deterministically.
    @Test func ensembleRolloutIsDeterministicAndPenalised() throws {
        var init1 = RandomGenerator(seed: 3)
        let model = try DynamicsEnsemble(observationDimension: 2, actionDimension: 1,
                                         configuration: DynamicsEnsembleConfiguration(hiddenSizes: [16], members: 3, elites: 2,
                                                                                      weightDecays: [1e-4, 1e-4]),
                                         termination: ThermalControlTask.termination, rng: &init1)
        func run(seed: UInt64) -> (ReplayBuffer, RolloutStatistics) {
            let filter = RewardConsistentFilter(reward: RuleReward(), selection: .softmax(temperature: 0.1), threshold: 0.9)
            var buffer = ReplayBuffer(capacity: 1000, observationDimension: 2, actionDimension: 1)
            var rng = RandomGenerator(seed: seed)
            let stats = ModelRollout(horizon: 4).run(model: model, startObservations: Tensor.normal([50, 2], rng: &rng),
                                                     policy: { s, rng in Tensor.uniform([s.shape[0], 1], low: -1, high: 1, rng: &rng) },
                                                     filter: filter, penalty: MOPOPenalty(coefficient: 0.5), into: &buffer, rng: &rng)
            return (buffer, stats)
        }
        let (b1, s1) = run(seed: 9), (b2, s2) = run(seed: 9)
        #expect(s1 == s2)
        #expect(b1.orderedTransitions().nextObservations == b2.orderedTransitions().nextObservations)
        #expect(s1.meanPenalty! > 0)
        #expect(s1.terminatedRows.reduce(0, +) > 0)

        // The composition, row by row: every stored candidate whose dynamics reward is below the
        // threshold is stored terminal; the stored rewards are the chosen rows' model rewards minus
        // 0.5 × the MOPO penalty.
        let stored = b1.orderedTransitions()
        let storedCount = stored.rewards.count
        #expect(storedCount == s1.transitionsAdded)
        let scores = RuleReward().rewards(observations: stored.observations, actions: stored.actions,
                                          candidates: stored.nextObservations.reshaped([1, storedCount, 2])).scalars
        let terminals = stored.terminals.scalars
        let low = scores.indices.filter { scores[$0] < 0.9 }
        #expect(!low.isEmpty && low.count < storedCount, "\(low.count) of \(storedCount) rows below the threshold")
        for i in low { #expect(terminals[i] == 1, "row \(i): reward \(scores[i]) < 0.9 but not terminal") }
        let storedSum = stored.rewards.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(storedSum - s1.rewardSum) <= 1e-3 * Swift.max(1, abs(storedSum)))
        #expect(abs(s1.rewardSum - (s1.rawRewardSum - 0.5 * s1.penaltySum)) <= 1e-3 * Swift.max(1, abs(s1.rawRewardSum)))
    }
}
