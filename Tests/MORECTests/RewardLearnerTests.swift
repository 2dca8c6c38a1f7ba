import Foundation
import Testing
import TestSupport
import MOREC

@Suite("Adversarial dynamics-reward learning", .serialized)
struct RewardLearnerTests {
    /// On a linear system the learned reward is higher on held-out real transitions than on the
    /// same transitions with corrupted next states, by a clear margin, and stays in its range.
    @Test func heldOutRealTransitionsScoreAboveCorruptedOnes() throws {
        let (s, a, n) = LinearSystem.transitions(count: 3_000, seed: 1)
        let learner = try AdversarialDynamicsRewardLearner(configuration: LinearSystem.configuration, observations: s, actions: a,
                                                           nextObservations: n)
        try learner.train(stopAfter: nil, progress: nil)
        let reward = try learner.reward()
        #expect(reward.snapshotCount == 4)     // 9 snapshots, last 8 kept, every 2nd
        var rng = RandomGenerator(seed: 9)
        let check = try RewardHoldoutCheck.run(reward: reward, learner: learner, rng: &rng)
        #expect(check.real - check.corrupted > 0.1, "real \(check.real) corrupted \(check.corrupted)")
        let h = learner.holdout
        let r = reward.rewards(observations: h.observations, actions: h.actions, candidates: h.nextObservations)
        #expect(r.scalars.allSatisfy { reward.range.contains($0) })
        // Next states far off (s' = s + 1 on every dimension) score near the bottom of the range.
        let far = reward.rewards(observations: h.observations, actions: h.actions, candidates: h.observations + 1).mean()
        #expect(far < check.real - 0.2, "far \(far) real \(check.real)")
    }

    /// The same seed gives the same reward, bit for bit; another seed a different one.
    @Test func identicalSeedsGiveIdenticalRewards() throws {
        let (s, a, n) = LinearSystem.transitions(count: 1_000, seed: 2)
        var configuration = LinearSystem.configuration
        configuration.warmupSteps = 50
        configuration.adversarialSteps = 200
        func rewards(seed: UInt64) throws -> Tensor {
            configuration.seed = seed
            let learner = try AdversarialDynamicsRewardLearner(configuration: configuration, observations: s, actions: a, nextObservations: n)
            try learner.train(stopAfter: nil, progress: nil)
            return try learner.reward().rewards(observations: s, actions: a, candidates: n)
        }
        let first = try rewards(seed: 4)
        #expect(first == (try rewards(seed: 4)))
        #expect(first != (try rewards(seed: 5)))
    }

    /// A run checkpointed and resumed in a new learner equals an uninterrupted one.
    @Test func resumeEqualsUninterrupted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (s, a, n) = LinearSystem.transitions(count: 1_000, seed: 3)
        var configuration = LinearSystem.configuration
        configuration.warmupSteps = 100
        configuration.adversarialSteps = 300
        configuration.checkpointInterval = 200
        let full = try AdversarialDynamicsRewardLearner(configuration: configuration, observations: s, actions: a, nextObservations: n)
        try full.train(stopAfter: nil, progress: nil)

        let path = dir.path("learner.h5")
        let first = try AdversarialDynamicsRewardLearner(configuration: configuration, observations: s, actions: a, nextObservations: n)
        try first.train(stopAfter: 250, checkpoint: { try $0.saveCheckpoint(to: path) }, progress: nil)   // checkpoint at 200; killed at 250
        let resumed = try AdversarialDynamicsRewardLearner(configuration: configuration, observations: s, actions: a, nextObservations: n)
        try resumed.restoreCheckpoint(from: path)
        #expect(resumed.step == 200)
        try resumed.train(stopAfter: nil, progress: nil)
        #expect(resumed.snapshots.count == full.snapshots.count)
        #expect(try resumed.reward().rewards(observations: s, actions: a, candidates: n)
                == (try full.reward().rewards(observations: s, actions: a, candidates: n)))

        var other = configuration
        other.batchSize = 64
        let mismatched = try AdversarialDynamicsRewardLearner(configuration: other, observations: s, actions: a, nextObservations: n)
        #expect(throws: MORECError.self) { try mismatched.restoreCheckpoint(from: path) }
    }

    /// Bad input is a clear error, not a crash.
    @Test func badInputIsRejected() throws {
        let (s, a, n) = LinearSystem.transitions(count: 1_000, seed: 1)
        #expect(throws: MORECError.self) {
            _ = try AdversarialDynamicsRewardLearner(configuration: LinearSystem.configuration, observations: s, actions: a,
                                                     nextObservations: n.slice(0..<500))
        }
        var bad = LinearSystem.configuration
        bad.snapshotInterval = 0
        #expect(throws: MORECError.self) { _ = try AdversarialDynamicsRewardLearner(configuration: bad, observations: s, actions: a, nextObservations: n) }
        let fresh = try AdversarialDynamicsRewardLearner(configuration: LinearSystem.configuration, observations: s, actions: a, nextObservations: n)
        #expect(throws: MORECError.self) { _ = try fresh.reward() }     // no snapshot yet
        let decoded = try AdversarialRewardConfiguration.resolved(overrides: [.object(["adversarialSteps": .number(5)])])
        #expect(decoded.adversarialSteps == 5 && decoded.warmupSteps == AdversarialRewardConfiguration().warmupSteps)
    }
}
