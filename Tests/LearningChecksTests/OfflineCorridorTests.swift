import Foundation
import Testing
import TestSupport
import OfflineRL

/// Each offline algorithm, trained by ``OfflineTrainer`` on data from a poor behaviour policy of
/// ``Corridor`` (uniform random actions, mean return about 5.5) with the task's exact model, must
/// beat the behaviour policy by a stated margin; and MOPO's penalty must steer around a model
/// error that traps a penalty-free learner.
@Suite("Learning checks: offline algorithms")
struct OfflineCorridorTests {
    /// A few-second run of `algorithm` (the standard registry's recipe) on the corridor data.
    static func configuration(_ algorithm: String, dataset: String, steps: Int) throws -> OfflineTrainingConfiguration {
        var c = try AlgorithmRegistry.standard.configuration(algorithm: algorithm, dataset: dataset, preset: .short)
        c.environment = "corridor"
        c.preset = "test"
        c.seed = 5
        c.totalSteps = steps
        c.stepsPerEpoch = 500
        c.cosineActorSchedule = false
        c.cosineScheduleEpochs = nil
        c.rolloutInterval = 250
        c.rolloutBatchSize = 200
        c.rolloutHorizon = 5
        c.modelRetainEpochs = 4
        c.realRatio = 0.5
        c.evaluationInterval = steps
        c.checkpointInterval = steps
        c.evaluationEpisodes = 10
        c.maxEpisodeSteps = 20
        Corridor.tune(&c.sac)
        return c
    }

    /// Trains `c` with `model` and returns (behaviour return, learned mean return).
    static func train(_ c: OfflineTrainingConfiguration, model: CorridorModel, in dir: TemporaryDirectory) throws -> OfflineTrainer {
        let trainer = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run-\(c.algorithm)"), resume: false,
                                         model: model, environment: Corridor.timeLimited(), registry: AlgorithmRegistry.standard)
        try trainer.run()
        return trainer
    }

    @Test(arguments: ["mopo", "mobile", "ravl", "lipschitz-mopo"])
    func beatsThePoorBehaviourPolicyWithTheExactModel(algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        #expect(behaviour > 3 && behaviour < 7)   // poor: mostly the near end
        let trainer = try Self.train(try Self.configuration(algorithm, dataset: path, steps: 3000), model: CorridorModel(), in: dir)
        let learned = try #require(trainer.evaluations.last).result
        // The stated margin: at least 3 above the behaviour return, and at least 9 of the optimal 10
        // (every near-end episode costs 0.6 of the mean of 10).
        #expect(learned.mean >= behaviour + 3 && learned.mean >= 9, "\(algorithm): behaviour \(behaviour), learned \(learned.returns)")
    }

    @Test func mopoPenaltyAvoidsAnUncertainModelErrorThatTrapsMBPO() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        let model = CorridorModel(trap: CorridorModel.Trap())

        let mbpo = try Self.train(try Self.configuration("mbpo", dataset: path, steps: 3000), model: model, in: dir)
        let trapped = try #require(mbpo.evaluations.last).result
        #expect(trapped.mean <= 4, "MBPO should stay in the spurious zone: \(trapped.returns)")   // the trap is real

        var c = try Self.configuration("mopo", dataset: path, steps: 3000)
        c.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: 2))
        let mopo = try Self.train(c, model: model, in: dir)
        let learned = try #require(mopo.evaluations.last).result
        #expect(learned.mean >= 9, "MOPO: \(learned.returns)")
    }
}
