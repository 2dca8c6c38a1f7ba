import Foundation
import Testing
import RAVL

@Suite("Edge-of-reach toy (our stand-in)")
struct EdgeOfReachToyTests {
    let task = EdgeOfReachToy()

    /// V* at the goal is 1/(1 − γ); from the origin it is four approach rewards then the goal forever.
    @Test func optimalValueMatchesHandComputation() {
        #expect(abs(task.optimalValue(0.5, 0) - task.valueBound) < 1e-9)      // r = 1 forever: 1/(1 − γ), γ = Float(0.99)
        var expected = 0.0
        for t in 1...4 { expected += pow(0.99, Double(t - 1)) * exp(-pow(0.5 - 0.1 * Double(t), 2) / 0.05) }
        expected += pow(0.99, 4) * 100
        #expect(abs(task.optimalValue(0, 0) - expected) < 1e-4)      // Float32 goal and step
        #expect(task.valueBound == 1 / (1 - Double(Float(0.99))))
    }

    /// V* satisfies Bellman optimality: no action beats r + γV* of the greedy step, which attains V*.
    @Test func optimalValueSatisfiesBellmanOptimality() {
        var rng = RandomGenerator(seed: 2)
        for _ in 0..<20 {
            let x = rng.uniform(-1.2, 1.2), y = rng.uniform(-1.2, 1.2)
            let v = task.optimalValue(x, y)
            let greedy = (Swift.min(Swift.max((0.5 - x) / 0.1, -1), 1), Swift.min(Swift.max((0 - y) / 0.1, -1), 1))
            #expect(abs(task.optimalQ(x, y, greedy.0, greedy.1) - v) < 1e-3 * Swift.max(1, v))
            for ax in stride(from: Float(-1), through: 1, by: 0.25) {
                for ay in stride(from: Float(-1), through: 1, by: 0.25) {
                    #expect(task.optimalQ(x, y, ax, ay) <= v + 1e-3 * Swift.max(1, v))
                }
            }
        }
    }

    /// The closed-form edge of reach: k = 10 from the origin is 0.9 < ‖s‖∞; from [−0.2, 0.2]² with k = 5 it is 0.6 < ‖s‖∞.
    @Test func edgeOfReachIsTheOuterShell() {
        #expect(task.isEdgeOfReach(0.95, 0) && task.isEdgeOfReach(-0.3, -0.99))
        #expect(!task.isEdgeOfReach(0.9, 0.85) && !task.isEdgeOfReach(0.5, 0))
        // Ten full steps reach the shell; nine do not.
        var x: Float = 0
        for _ in 0..<9 { x = task.step(x, 0, 1, 0).x }
        #expect(!task.isEdgeOfReach(x, 0))
        x = task.step(x, 0, 1, 0).x
        #expect(task.isEdgeOfReach(x, 0))
        var wide = task
        wide.startHalfWidth = 0.2
        wide.rolloutHorizon = 5
        #expect(wide.isEdgeOfReach(0.65, 0) && !wide.isEdgeOfReach(0.55, 0.55))
    }

    /// The oracle patch rewrites exactly the last-step rows whose next state is edge-of-reach.
    @Test func oraclePatchRewritesOnlyEdgeRows() {
        let patch = EdgeOfReachOraclePatch(task: task)
        var batch = TransitionBatch(batchSize: 4, observationDimension: 2, actionDimension: 2)
        batch.nextObservations = Tensor(shape: [4, 2], scalars: [0.95, 0, 0.95, 0, 0.5, 0, 0.1, 0.92])
        batch.rewards = Tensor([0.1, 0.2, 0.3, 0.4])
        batch.terminals = Tensor([0, 0, 0, 1])
        batch.rolloutSteps = [9, 8, 9, 9]
        var targets = Tensor([-7, -7, -7, -7]), metrics = TrainingMetrics(), rng = RandomGenerator(seed: 1)
        var agentRNG = RandomGenerator(seed: 1)
        let agent = SACAgent(observationDimension: 2, actionDimension: 2, configuration: SACConfiguration(), rng: &agentRNG)
        patch.adjust(&targets, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        let y = targets.scalars
        #expect(abs(Double(y[0]) - (0.1 + 0.99 * task.optimalValue(0.95, 0))) < 1e-3)
        #expect(y[1] == -7 && y[2] == -7)              // an earlier step; an interior state
        #expect(abs(y[3] - 0.4) < 1e-7)                // terminal edge row: the reward only
        #expect(metrics["patched_fraction"] == 0.5 && patch.patchedRows == 2 && patch.seenRows == 4)
    }

    /// The policy oracle patches the same rows with the current policy's value, which is at most V*.
    @Test func policyOraclePatchesWithThePolicysValue() {
        var batch = TransitionBatch(batchSize: 3, observationDimension: 2, actionDimension: 2)
        batch.nextObservations = Tensor(shape: [3, 2], scalars: [0.95, 0, -0.2, 0.97, 0.5, 0])
        batch.rewards = Tensor([0, 0, 1])
        batch.rolloutSteps = [9, 9, 9]
        var agentRNG = RandomGenerator(seed: 4), rng = RandomGenerator(seed: 1)
        let agent = SACAgent(observationDimension: 2, actionDimension: 2, configuration: SACConfiguration(), rng: &agentRNG)
        var optimal = Tensor([-1, -1, -1]), policy = optimal, metrics = TrainingMetrics()
        EdgeOfReachOraclePatch(task: task, oracle: .optimal).adjust(&optimal, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        EdgeOfReachOraclePatch(task: task, oracle: .policy).adjust(&policy, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        #expect(policy.scalars[2] == -1 && optimal.scalars[2] == -1)
        for b in 0..<2 {
            #expect(policy.scalars[b] != -1 && policy.scalars[b] >= 0)
            #expect(policy.scalars[b] <= optimal.scalars[b] + 1e-3)
        }
    }

    /// The progress variant: r = clip(a_x), V* = 1/(1 − γ) everywhere.
    @Test func progressRewardAndValue() {
        var progress = task
        progress.rewardKind = .progress
        #expect(abs(progress.step(0.3, 0.2, 0.5, -1).reward - 0.5) < 1e-6)
        #expect(progress.step(0.3, 0.2, 3, 0).reward == 1)
        #expect(progress.optimalValue(-0.7, 0.9) == progress.valueBound)
        #expect(abs(progress.optimalQ(0, 0, 1, 0) - progress.valueBound) < 1e-9)
    }

    /// The toy dynamics as a model: s' = s + 0.1·clip(a), r = r(s'), never terminal.
    @Test func dynamicsModelStepsExactly() {
        let model = EdgeOfReachToyDynamics(task: task)
        var rng = RandomGenerator(seed: 0)
        let step = model.step(Tensor(shape: [2, 2], scalars: [0, 0, 0.45, 0]), Tensor(shape: [2, 2], scalars: [1, -2, 0.5, 0]),
                              memberStatistics: true, rng: &rng)
        #expect(step.nextObservations.scalars == [0.1, -0.1, 0.5, 0])
        #expect(step.rewards.scalars[1] == 1 && step.terminals.scalars == [0, 0])
        #expect(step.memberStandardDeviations!.scalars.allSatisfy { $0 == 0 })
    }
}
