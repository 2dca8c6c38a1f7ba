import Foundation
import Testing
import TestSupport
import OfflineRL

/// Online SAC (``OnlineTrainer`` with a task given as `environment:`) on ``Corridor``, whose greedy
/// choice (the near end, 4) is wrong: only a learner with the right γ, bootstrap and terminal
/// mask walks to the far end (10).
@Suite("Learning checks: online SAC")
struct OnlineCorridorTests {
    @Test func onlineSACFindsTheFarEnd() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var c = OnlineTrainingConfiguration()
        c.environment = "corridor"          // a name only: the task is the one passed below
        c.maxEpisodeSteps = 20
        c.totalSteps = 4000
        c.randomSteps = 500
        c.updateAfter = 500
        c.evaluationInterval = 1000
        c.evaluationEpisodes = 5
        c.checkpointInterval = 10_000
        c.replayCapacity = 10_000
        Corridor.tune(&c.sac)
        c.seed = 3
        let trainer = try OnlineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run"), resume: false,
                                        environment: Corridor.timeLimited())
        try trainer.run()

        var env = Corridor.timeLimited()
        var rng = RandomGenerator(seed: 99)
        let learned = evaluate(policy: { trainer.agent.act($0, deterministic: true, rng: &rng) },
                               environment: &env, episodes: 20, seed: 500)
        // Every episode must end at the far end: one near end (4) or time-out (0) brings the mean below 9.7.
        #expect(learned.mean >= 9.7, "returns \(learned.returns)")
        #expect(trainer.evaluations.count == 4)   // evaluated in the given task, every 1000 steps
    }
}
