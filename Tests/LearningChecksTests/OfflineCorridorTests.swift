import Foundation
import Testing
import TestSupport
import OfflineRL

/// Each offline algorithm, trained by ``OfflineTrainer`` on data from a poor behaviour policy of
/// ``Corridor`` (uniform random actions, mean return about 5.2) with the task's exact model, must
/// beat the behaviour policy by a stated margin; and MOPO's penalty, MOBILE's penalty and MOREC's
/// filter must each steer around a model error that traps a penalty-free learner.
@Suite("Learning checks: offline algorithms")
struct OfflineCorridorTests {
    /// A few-second run of `algorithm` (the standard registry's recipe) on the corridor data; a
    /// `morec-*` algorithm reads its dynamics reward from `reward`.
    static func configuration(_ algorithm: String, dataset: String, steps: Int, reward: String? = nil) throws -> OfflineTrainingConfiguration {
        var c = try AlgorithmRegistry.standard.configuration(algorithm: algorithm, dataset: dataset, preset: .short)
        if var morec = try c.plugInSettings("morec", as: MORECSettings.self) {
            morec.rewardPath = reward
            c.setPlugInSettings("morec", morec)
        }
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

    /// Trains `c` with `model`, evaluating in the time-limited corridor; returns the trainer.
    static func train(_ c: OfflineTrainingConfiguration, model: any DynamicsModel, in dir: TemporaryDirectory) throws -> OfflineTrainer {
        let trainer = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run-\(c.algorithm)"), resume: false,
                                         model: model, environment: Corridor.timeLimited(), registry: AlgorithmRegistry.standard)
        try trainer.run()
        return trainer
    }

    /// MOREC-MOPO learns its dynamics reward on the same data first (``CorridorDynamicsReward``).
    @Test(arguments: ["mopo", "mobile", "ravl", "lipschitz-mopo", "morec-mopo"])
    func beatsThePoorBehaviourPolicyWithTheExactModel(algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        #expect(behaviour > 3 && behaviour < 7)   // poor: mostly the near end
        let reward = algorithm.hasPrefix("morec") ? try CorridorDynamicsReward.learn(dataset: path, in: dir.url.appendingPathComponent("reward")) : nil
        let trainer = try Self.train(try Self.configuration(algorithm, dataset: path, steps: 3000, reward: reward), model: CorridorModel(), in: dir)
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

    /// Members that disagree about the next state (``CorridorModel/Trap/nextState``: half of them
    /// pay a spurious 6 and put the walker 1 further right) trap MBPO in the zone; MOBILE's
    /// penalty (the spread of the bootstrapped value over the members' next states, β = 4) and MOREC's filter
    /// (the candidate whose next state the learned dynamics reward scores highest: the exact one)
    /// each walk through to the far end. No member reports a standard deviation, so MOPO's penalty,
    /// under MOREC's filter, is 0: the filter alone avoids the trap.
    @Test func mobileAndMORECAvoidANextStateErrorThatTrapsMBPO() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        let model = CorridorModel(trap: .nextState)

        let mbpo = try Self.train(try Self.configuration("mbpo", dataset: path, steps: 3000), model: model, in: dir)
        let trapped = try #require(mbpo.evaluations.last).result
        #expect(trapped.mean <= 4, "MBPO should stay in the zone: \(trapped.returns)")   // the trap is real

        // β = 4, the middle of the range that walked through on every seed tried (2–16; β = 1
        // stayed on 3 of 4), and Kit's 10 samples.
        var c = try Self.configuration("mobile", dataset: path, steps: 3000)
        c.setPlugInSettings("mobile", MOBILEConfiguration(penaltyCoefficient: 4, samples: 10))
        let mobile = try #require(try Self.train(c, model: model, in: dir).evaluations.last).result
        #expect(mobile.mean >= 9, "MOBILE: \(mobile.returns)")

        let reward = try CorridorDynamicsReward.learn(dataset: path, in: dir.url.appendingPathComponent("reward"))
        let morec = try #require(try Self.train(try Self.configuration("morec-mopo", dataset: path, steps: 3000, reward: reward),
                                                model: model, in: dir).evaluations.last).result
        #expect(morec.mean >= 9, "MOREC-MOPO: \(morec.returns)")
    }
}
