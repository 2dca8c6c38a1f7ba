import Foundation
import Testing
import TestSupport
import Baselines

/// TD3+BC's and IQL's losses against hand computations, and their agents' update schedules.
@Suite("TD3+BC and IQL: losses and agents")
struct AgentLossTests {
    static func batch(rows: Int = 16, seed: UInt64 = 2) -> TransitionBatch {
        var rng = RandomGenerator(seed: seed)
        var batch = TransitionBatch(batchSize: rows, observationDimension: 2, actionDimension: 1)
        batch.observations = Tensor.normal([rows, 2], mean: 3, std: 2, rng: &rng)
        batch.nextObservations = Tensor.normal([rows, 2], mean: 3, std: 2, rng: &rng)
        batch.actions = Tensor.uniform([rows, 1], low: -1, high: 1, rng: &rng)
        batch.rewards = Tensor.uniform([rows], low: 0, high: 1, rng: &rng)
        return batch
    }

    static func learner() -> SACConfiguration {
        var sac = TD3BCSettings.kitLearner
        sac.hiddenSizes = [16, 16]
        return sac
    }

    @Test func td3bcWeightIsAlphaOverTheMeanAbsoluteValue() {
        // mean |[1, −3, 2, −6]| = 3  →  λ = 2.5 / 3.
        #expect(abs(TD3BCAgent.bcWeight(policyValues: Tensor([1, -3, 2, -6]), alpha: 2.5) - 2.5 / 3) < 1e-6)
        #expect(abs(TD3BCAgent.bcWeight(policyValues: Tensor(shape: [1, 2], scalars: [-0.5, 0.5]), alpha: 1) - 2) < 1e-6)
        #expect(TD3BCAgent.bcWeight(policyValues: Tensor([0, 0]), alpha: 2.5).isFinite)
    }

    /// The logged λ and actor loss are those of the agent's own networks before the step; the actor
    /// and targets move only every `policyDelay`-th update; states are standardized with the data's statistics.
    @Test func td3bcActorLossAndDelayedUpdates() throws {
        let batch = Self.batch()
        let normalizer = Normalizer(fitting: batch.observations, epsilon: 1e-3)
        var rng = RandomGenerator(seed: 5)
        let agent = TD3BCAgent(observationDimension: 2, actionDimension: 1, configuration: Self.learner(), settings: TD3BCSettings(),
                               normalizer: normalizer, rng: &rng)
        #expect(agent.state.mean.value.scalars == normalizer.mean && agent.state.std.value.scalars == normalizer.std)

        // Expected actor quantities with the critics as they will be after the critic step: replay
        // that step on a copy by running the update and recomputing with the pre-actor-step actor.
        let actorBefore = agent.actor.parameterValues()
        let targetActorBefore = agent.targetActor.parameterValues()
        var updateRNG = RandomGenerator(seed: 6)
        let s = agent.state.standardized(batch.observations)
        let first = agent.update(batch, rng: &updateRNG)
        // The critics have now taken their step; rebuild π(s) with the old actor to get λ and the loss.
        let probe = TD3BCAgent(observationDimension: 2, actionDimension: 1, configuration: Self.learner(), settings: TD3BCSettings(),
                               normalizer: normalizer, rng: &rng)
        probe.actor.update(parameters: actorBefore)
        let action = probe.actor(Variable(s)).value                                        // [B, 1]
        let q1 = agent.critics(Variable(s), Variable(action)).value.slice(0..<1, axis: 0)
        let meanAbs = q1.scalars.map { Double(abs($0)) }.reduce(0, +) / Double(batch.batchSize)
        let lambda = 2.5 / meanAbs
        let bc = zip(action.scalars, batch.actions.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(batch.batchSize)
        let expectedLoss = -lambda * q1.scalars.map(Double.init).reduce(0, +) / Double(batch.batchSize) + bc
        #expect(abs(first["bc_weight"]! - lambda) < 1e-4 * lambda)
        #expect(abs(first["actor_loss"]! - expectedLoss) < 1e-4 * max(1, abs(expectedLoss)))
        #expect(abs(first["bc_loss"]! - bc) < 1e-5)
        #expect(agent.actor.parameterValues() != actorBefore && agent.targetActor.parameterValues() != targetActorBefore)

        let actorAfterFirst = agent.actor.parameterValues(), targetAfterFirst = agent.targetActor.parameterValues()
        let second = agent.update(batch, rng: &updateRNG)                                 // update 1: critics only
        #expect(second["actor_loss"] == nil && second["critic_loss"] != nil)
        #expect(agent.actor.parameterValues() == actorAfterFirst && agent.targetActor.parameterValues() == targetAfterFirst)
        let third = agent.update(batch, rng: &updateRNG)                                  // update 2: the actor again
        #expect(third["actor_loss"] != nil && agent.state.count == 3)
        // Deterministic actions are π(s) in [−1, 1]; exploration noise is clipped to the bounds.
        let acted = agent.act(batch.observations, deterministic: false, rng: &updateRNG)
        #expect(acted.scalars.allSatisfy { abs($0) <= 1 })
    }

    @Test func iqlExpectileLossMatchesItsDefinition() throws {
        // τ = 0.7: u = 2 weighs 0.7·4 = 2.8, u = −1 weighs 0.3·1 = 0.3; the gradient is 2·w·u.
        let u = Variable(Tensor([2, -1, 0.5]), requiresGrad: true)
        let loss = IQLAgent.expectileLoss(u, expectile: 0.7)
        #expect(isClose(loss.value, Tensor([2.8, 0.3, 0.175])))
        let g = gradients(of: loss.sum(), withRespectTo: [u])[0].value
        #expect(isClose(g, Tensor([2.8, -0.6, 0.7])))
        // Its minimiser over a constant is the τ-expectile: for the samples {0, 1}, v = τ.
        let losses = stride(from: Float(0), through: 1, by: 0.01).map { v -> (Float, Float) in
            (v, IQLAgent.expectileLoss(Variable(Tensor([0 - v, 1 - v])), expectile: 0.7).value.sum())
        }
        #expect(abs(losses.min { $0.1 < $1.1 }!.0 - 0.7) < 0.011)
    }

    @Test func iqlAdvantageWeightsAreClippedExponentials() {
        let w = IQLAgent.advantageWeights(q: Tensor([1, 0, 100, -1]), v: Tensor([0, 0, 0, 1]), temperature: 3, maximum: 100)
        #expect(isClose(w, Tensor([Float(Foundation.exp(3.0)), 1, 100, Float(Foundation.exp(-6.0))]), rtol: 1e-5))
    }

    /// Two trajectories (returns 3 and 1; the second ends where the next row does not continue it)
    /// give a scale of 1000 / 2.
    @Test func iqlRewardScaleUsesTrajectoryReturns() {
        let transitions = Transitions(
            observations: Tensor(shape: [4, 1], scalars: [0, 1, 5, 6]), actions: Tensor(shape: [4, 1], scalars: [0, 0, 0, 0]),
            rewards: Tensor([1, 2, 0.5, 0.5]), nextObservations: Tensor(shape: [4, 1], scalars: [1, 2, 6, 7]),
            terminals: Tensor([0, 0, 0, 1]))
        #expect(abs(IQLAgent.rewardScale(of: ReplayBuffer(transitions)) - 500) < 1e-3)
        let one = Transitions(observations: Tensor(shape: [1, 1], scalars: [0]), actions: Tensor(shape: [1, 1], scalars: [0]),
                              rewards: Tensor([1]), nextObservations: Tensor(shape: [1, 1], scalars: [1]), terminals: Tensor([1]))
        #expect(IQLAgent.rewardScale(of: ReplayBuffer(one)) == 1)
    }

    /// The logged value and actor losses equal the expectile and AWR losses recomputed from the
    /// agent's networks before the step.
    @Test func iqlUpdateLossesMatchAnExplicitComputation() throws {
        let batch = Self.batch()
        var rng = RandomGenerator(seed: 7)
        let agent = IQLAgent(observationDimension: 2, actionDimension: 1, configuration: Self.learner(), settings: IQLSettings(),
                             rewardScale: 1, rng: &rng)
        let s = Variable(batch.observations), a = Variable(batch.actions)
        let qTarget = agent.targetCritics(s, a).value.min(axis: 0).scalars
        let v = agent.value(s).value.scalars
        var expectedValueLoss = 0.0
        for (q, v) in zip(qTarget, v) {
            let u = Double(q - v)
            expectedValueLoss += (u > 0 ? 0.7 : 0.3) * u * u
        }
        expectedValueLoss /= Double(batch.batchSize)
        let actorBefore = agent.actor.parameterValues()
        var updateRNG = RandomGenerator(seed: 8)
        let metrics = agent.update(batch, rng: &updateRNG)
        #expect(abs(metrics["value_loss"]! - expectedValueLoss) < 1e-5 * max(1, expectedValueLoss))

        // AWR with the updated V and the (unchanged) target critics, on the actor before its step.
        let vAfter = agent.value(s).value.scalars
        var probeRNG = RandomGenerator(seed: 7)
        let probe = IQLAgent(observationDimension: 2, actionDimension: 1, configuration: Self.learner(), settings: IQLSettings(),
                             rewardScale: 1, rng: &probeRNG)
        probe.actor.update(parameters: actorBefore)
        let logProb = probe.actor.distribution(s).logProb(a).value.scalars
        var expectedActorLoss = 0.0
        for i in 0..<batch.batchSize {
            let weight = min(Foundation.exp(3 * Double(qTarget[i] - vAfter[i])), 100)
            expectedActorLoss -= weight * Double(logProb[i])
        }
        expectedActorLoss /= Double(batch.batchSize)
        #expect(abs(metrics["actor_loss"]! - expectedActorLoss) < 1e-4 * max(1, abs(expectedActorLoss)))
        #expect(agent.act(batch.observations, deterministic: true, rng: &updateRNG).scalars.allSatisfy { abs($0) <= 1 })
    }
}
