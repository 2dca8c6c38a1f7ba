import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning

/// Inputs that used to trap, divide by zero or run for an hour before failing: each is now a clear
/// error before any work (or where a non-finite value first appears), naming the cause.
@Suite("Offline runs: bad inputs give clear errors before work starts", .serialized)
struct BadRunInputTests {
    /// Writes a point-mass dataset of `rows` rows (2-dimensional observations and actions) whose
    /// episodes all end in timeouts when `allTimeouts`, with `observation` at row 0 when given.
    static func writeDataset(_ path: String, rows: Int, allTimeouts: Bool = false, firstObservation: Float? = nil,
                             reward: Float = -1) throws {
        var observations = (0..<(2 * rows)).map { Float($0 % 7) * 0.1 }
        if let firstObservation { observations[0] = firstObservation }
        let dataset = try OfflineDataset(source: "test", observations: Tensor(shape: [rows, 2], scalars: observations),
                                         actions: Tensor(shape: [rows, 2], scalars: [Float](repeating: 0.1, count: 2 * rows)),
                                         rewards: Tensor([Float](repeating: reward, count: rows)),
                                         terminals: [Bool](repeating: false, count: rows),
                                         timeouts: [Bool](repeating: allTimeouts, count: rows))
        try D4RLFile.write(dataset, to: path, metadata: ["environment": "pointmass"])
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test func tooFewUsableTransitionsAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        for (name, rows, timeouts) in [("one", 1, false), ("timeouts", 50, true)] {
            let path = dir.path("\(name).hdf5")
            try Self.writeDataset(path, rows: rows, allTimeouts: timeouts)
            let config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: path, steps: 100)
            let text = Self.message { _ = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent(name), resume: false) }
            #expect(text.contains("usable transitions") && text.contains("need at least 10"), "\(name): \(text)")
        }
    }

    @Test func zeroIntervalsOverflowingSizesAndHugeBuffersAreRefusedUpFront() throws {
        let base = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: "unused", steps: 100)
        var zero = base
        zero.evaluationInterval = 0
        #expect(Self.message { try zero.validate() }.contains("evaluationInterval and evaluationEpisodes must be positive"))
        var overflow = base
        overflow.rolloutBatchSize = Int.max / 2
        overflow.rolloutHorizon = 5
        #expect(Self.message { try overflow.validate() }.contains("overflows"))
        var huge = base
        huge.rolloutBatchSize = 50_000_000
        huge.rolloutHorizon = 100
        #expect(throws: Never.self) { try huge.validate() }
        let memory = Self.message { try huge.checkMemory(observationDimension: 17, actionDimension: 6) }
        #expect(memory.contains("GiB") && memory.contains("rolloutBatchSize 50000000"), "\(memory)")
        var nanRate = base
        nanRate.sac.criticLearningRate = .nan
        #expect(Self.message { try nanRate.validate() }.contains("sac.criticLearningRate must be a positive number"))
    }

    /// A NaN penalty coefficient is refused by its plug-in, before the run starts.
    @Test func nonFinitePenaltiesAreRefused() throws {
        var config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: "unused", steps: 100)
        config.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: .nan))
        let text = Self.message { _ = try config.makePlugIns([]) }
        #expect(text.contains("plugIns.mopo: 'penaltyCoefficient': nan is not a valid setting"), "\(text)")
        config.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: -1))
        #expect(Self.message { _ = try config.makePlugIns([]) }.contains("plugIns.mopo.penaltyCoefficient must be finite and ≥ 0, got -1.0"))
    }

    /// A value whose square overflows Float32 is refused where the fit first meets it, naming the row,
    /// instead of a NaN holdout error and a failure at the first JSON write much later.
    @Test func extremeValuesAreNamedWithTheirRow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("extreme.hdf5")
        try Self.writeDataset(path, rows: 200, firstObservation: 3e38)
        let config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: path, steps: 100)
        let text = Self.message { _ = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("run"), resume: false) }
        #expect(text.contains("observations row 0 holds 3e+38"), "\(text)")

        let hugeReward = dir.path("reward.hdf5")
        try Self.writeDataset(hugeReward, rows: 200, reward: 1e30)
        let rewardConfig = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: hugeReward, steps: 100)
        let rewardText = Self.message { _ = try OfflineTrainer(configuration: rewardConfig, directory: dir.url.appendingPathComponent("reward"), resume: false) }
        #expect(rewardText.contains("rewards row"), "\(rewardText)")
    }

    /// A NaN that appears during training stops the run at once, naming the phase, step and quantity.
    @Test func nonFiniteTrainingValuesStopTheRunWithTheirPhase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 5)
        var config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 200)
        config.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: 1e38))   // finite, but r − λu overflows
        let trainer = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("run"), resume: false)
        let text = Self.message { try trainer.run() }
        #expect(text.contains("at step") && text.contains("became NaN or infinite"), "\(text)")
    }
}
