import Foundation
import Testing
import TestSupport
import PolicyLearning
import DatasetGeneration
import LinearAlgebra

@Suite("Offline trainer: loop, logs, exact resume")
struct OfflineTrainerTests {
    static func strip(_ row: [String: Double]) -> [String: Double] { row.filter { $0.key != "wall_seconds" } }
    static func metadata(in run: URL) throws -> RunMetadata {
        try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: run.appendingPathComponent("metadata.json")))
    }
    static func fitSummary(in run: URL) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: run.appendingPathComponent("dynamics.json")))
    }

    /// A MOPO run killed at step 300 (last checkpoint at 200) and resumed equals the uninterrupted
    /// 600-step run: parameters, temperature, model buffer, evaluations and log rows.
    @Test func resumedRunEqualsUninterruptedRun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data)
        let config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 600)

        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false)
        #expect(full.dynamicsFit != nil)
        try full.run()
        #expect(full.step == 600)
        #expect(FileManager.default.fileExists(atPath: full.finalAgentPath))

        let killedDirectory = dir.url.appendingPathComponent("killed")
        do {   // a run stopped at 300 updates and gone (its lock released with it), as after a kill
            let killed = try OfflineTrainer(configuration: config, directory: killedDirectory, resume: false)
            try killed.run(stopAfter: 300)
        }
        #expect(throws: OfflineTrainingError.self) {
            _ = try OfflineTrainer(configuration: config, directory: killedDirectory, resume: false)
        }
        let firstStart = try Self.metadata(in: killedDirectory)
        #expect(firstStart.resumes == nil)
        var resumed: OfflineTrainer! = try OfflineTrainer(configuration: config, directory: killedDirectory, resume: true)
        // The resume is recorded beside the first start, which stays as it was.
        let afterResume = try Self.metadata(in: killedDirectory)
        #expect(afterResume.started == firstStart.started && afterResume.command == firstStart.command)
        #expect(afterResume.resumes?.count == 1 && afterResume.resumes?.first?.blasKernels == BLASRuntime.coreName)
        #expect(resumed.step == 200)
        #expect(resumed.dynamicsFit == nil)     // the run's dynamics.h5 is reused, not refitted
        try resumed.run()

        #expect(resumed.agent.actor.parameterValues() == full.agent.actor.parameterValues())
        #expect(resumed.agent.critics.parameterValues() == full.agent.critics.parameterValues())
        #expect(resumed.agent.targetCritics.parameterValues() == full.agent.targetCritics.parameterValues())
        #expect(resumed.agent.alpha == full.agent.alpha)
        #expect(resumed.modelBuffer.orderedTransitions().rewards == full.modelBuffer.orderedTransitions().rewards)
        #expect(resumed.evaluations == full.evaluations)
        let fullLog = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("full"))
        let resumedLog = try TrainingLog.readRows(directory: killedDirectory)
        #expect(fullLog.count == 6)
        #expect(fullLog.map(Self.strip) == resumedLog.map(Self.strip))

        // The rows carry losses, Q statistics, rollout statistics and the schedule.
        let row = try #require(fullLog.last)
        for key in ["critic_loss", "actor_loss", "alpha", "q_mean", "q_ensemble_std", "return_mean", "rollout_transitions",
                    "rollout_penalty_mean", "rollout_reward_mean", "model_buffer_size", "actor_lr", "wall_seconds"] {
            #expect(row[key] != nil, "missing \(key)")
        }
        #expect(row["rollout_penalty_mean"]! > 0)
        #expect(fullLog.first!["actor_lr"]! > row["actor_lr"]!)      // cosine schedule
        let written = try JSONDecoder().decode(OfflineTrainingConfiguration.self,
                                               from: Data(contentsOf: dir.url.appendingPathComponent("full/config.json")))
        #expect(written == config)
        let metadata = try String(contentsOf: dir.url.appendingPathComponent("full/metadata.json"), encoding: .utf8)
        #expect(metadata.contains("gitRevision"))
        #expect(metadata.contains("\"blasKernels\" : \"\(BLASRuntime.coreName)\""))

        // The final agent reloads for evaluation.
        let (agent, description) = try OfflineTrainer.loadAgent(from: full.finalAgentPath)
        #expect(agent.actor.parameterValues() == full.agent.actor.parameterValues())
        #expect(description.environment == "pointmass")
        #expect(description.step == 600)

        // A different configuration cannot resume the run; a cached fit is loaded, not refitted.
        resumed = nil                                           // the run is over: its directory is free
        var other = config
        other.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: 3))
        let mismatch = #expect(throws: OfflineTrainingError.self) {
            _ = try OfflineTrainer(configuration: other, directory: killedDirectory, resume: true)
        }
        #expect(mismatch.map { "\($0)" }?.contains("changed: plugIns.mopo.penaltyCoefficient") == true)  // names the field
        let cached = try OfflineTrainer(configuration: other, directory: dir.url.appendingPathComponent("cached"), resume: false,
                                        dynamicsCache: full.dynamicsPath)
        #expect(cached.dynamicsFit == nil)

        // A new cache gets a record of its fit; a run whose fit would differ refuses it, naming
        // the setting, and one that differs elsewhere (the penalty) shares it.
        let recorded = dir.path("cache/dynamics.h5")
        _ = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("records"), resume: false,
                               dynamicsCache: recorded)
        #expect(FileManager.default.fileExists(atPath: recorded + ".json"))
        var refit = config
        refit.dynamics.learningRate *= 2
        let refused = #expect(throws: OfflineTrainingError.self) {
            _ = try OfflineTrainer(configuration: refit, directory: dir.url.appendingPathComponent("refit"), resume: false,
                                   dynamicsCache: recorded)
        }
        #expect(refused.map { "\($0)" }?.contains("(changed: dynamics.learningRate)") == true)
        let shared = try OfflineTrainer(configuration: other, directory: dir.url.appendingPathComponent("shared"), resume: false,
                                        dynamicsCache: recorded)
        #expect(shared.dynamicsFit == nil)
        // A run that loads the cache records the fit it loaded: the fitting run's summary and the cache.
        let fitted = try Self.fitSummary(in: dir.url.appendingPathComponent("records"))
        let loaded = try Self.fitSummary(in: dir.url.appendingPathComponent("shared"))
        #expect(fitted["epochs"] != nil && fitted["cache"] == nil && loaded["cache"] == recorded)
        #expect(loaded.filter { $0.key != "cache" } == fitted)

        // A fit of its own cut short before the cache existed is dropped when the run loads the cache.
        let stale = dir.url.appendingPathComponent("stale")
        let partialFit = stale.appendingPathComponent(OfflineTrainer.dynamicsFitFileName).path
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: partialFit))
        _ = try OfflineTrainer(configuration: other, directory: stale, resume: true, dynamicsCache: recorded)
        #expect(!FileManager.default.fileExists(atPath: partialFit))
        // An unreadable metadata.json stops a resume, named, and is left as it is.
        let metadataFile = stale.appendingPathComponent("metadata.json")
        try Data("{".utf8).write(to: metadataFile)
        let unreadable = #expect(throws: OfflineTrainingError.self) {
            _ = try OfflineTrainer(configuration: other, directory: stale, resume: true, dynamicsCache: recorded)
        }
        #expect(unreadable.map { "\($0)" }?.contains("metadata.json") == true)
        #expect(try Data(contentsOf: metadataFile) == Data("{".utf8))

        // `dynamicsSeed` d fits exactly the model of the seed-d run, whatever the run's own seed.
        var reseeded = config
        reseeded.seed = 7
        let ownFit = try OfflineTrainer(configuration: reseeded, directory: dir.url.appendingPathComponent("seed7"), resume: false)
        reseeded.dynamicsSeed = config.seed
        let sharedFit = try OfflineTrainer(configuration: reseeded, directory: dir.url.appendingPathComponent("seed7-d5"), resume: false)
        let fullErrors = try #require(full.dynamicsFit?.holdoutErrors)
        #expect(sharedFit.dynamicsFit?.holdoutErrors == fullErrors)
        #expect(ownFit.dynamicsFit?.holdoutErrors != fullErrors)
    }

    /// MOBILE on a small hopper dataset: the Bellman-inconsistency penalty is computed on model
    /// rows and logged, and evaluations carry D4RL-normalized scores (hopper's reference returns).
    @Test func mobileRunsOnHopperWithNormalizedScores() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 2)
        let actor = TanhGaussianActor(observationDimension: 11, actionDimension: 3, hiddenSizes: [16], rng: &rng)
        var collector = DatasetCollector(environment: "hopper", transitions: 3000, seed: 2)
        collector.rowsPerChunk = 3000
        let dataset = try #require(try collector.collect(actor: actor, workDirectory: dir.url.appendingPathComponent("work")))
        let path = dir.path("hopper-random-test.hdf5")
        try D4RLFile.write(dataset, to: path, metadata: ["environment": "hopper"])

        var config = OfflineConfigurations.tinyConfiguration(algorithm: "mobile", dataset: path, steps: 200)
        config.maxEpisodeSteps = 1000
        let trainer = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("run"), resume: false)
        #expect(trainer.agent.targetAdjustment is BellmanInconsistencyPenalty)
        #expect(trainer.penalty == nil)
        try trainer.run()
        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("run"))
        #expect(rows.count == 2)
        let last = try #require(rows.last)
        #expect(last["mobile_penalty"].map { $0 > 0 } == true)
        #expect(last["normalized_score"] != nil)
        #expect(last["rollout_penalty_mean"] == nil)
        let score = try #require(trainer.evaluations.last?.normalizedScore)
        let expected = try normalizedScore(dataset: "hopper-medium-v2", return: trainer.evaluations.last!.result.mean)
        #expect(abs(score - expected) < 1e-9)
    }

    @Test func perTaskSettingsPresetsAndOverrides() throws {
        let registry = OfflineAlgorithmRegistry.base
        func settings<T: DefaultedSettings>(_ c: OfflineTrainingConfiguration, _ key: String, _ type: T.Type) throws -> T {
            try #require(try c.plugInSettings(key, as: type))
        }
        let mopo = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-v2", preset: .paper)
        #expect(try mopo.rolloutHorizon == 5 && settings(mopo, "mopo", MOPOConfiguration.self).penaltyCoefficient == 5)
        #expect(mopo.totalSteps == 3_000_000 && mopo.preset == "paper" && Array(mopo.plugIns.keys) == ["mopo"])
        #expect(mopo.sac.actorLearningRate == 1e-4 && mopo.sac.alphaLearningRate == 1e-4 && mopo.sac.maximumAlpha == 1)
        #expect(try registry.configuration(algorithm: "mopo", dataset: "walker2d-medium-replay-orl", preset: .paper).rolloutHorizon == 1)
        let other = try registry.configuration(algorithm: "mopo", dataset: "pointmass-x", preset: .paper)
        #expect(try settings(other, "mopo", MOPOConfiguration.self) == MOPOConfiguration() && other.rolloutHorizon == 1)

        let mobile = try registry.configuration(algorithm: "mobile", dataset: "hopper-medium-orl", preset: .short)
        #expect(try settings(mobile, "mobile", MOBILEConfiguration.self).penaltyCoefficient == 1.5 && mobile.rolloutHorizon == 5)
        #expect(!mobile.sac.automaticEntropyTuning && mobile.sac.initialAlpha == 0.2)
        #expect(mobile.preset == "short" && mobile.totalSteps == 50_000 && mobile.dynamics.maxEpochs == 30)
        // The short run is the start of the paper's: its cosine schedule spans 3,000 epochs.
        #expect(mobile.cosineScheduleEpochs == 3000 && mopo.cosineScheduleEpochs == nil)
        #expect(abs(mobile.actorLearningRate(at: 49_999) - 1e-4 * Float(0.5 * (1 + cos(Double.pi * 49 / 3000)))) < 1e-12)
        #expect(mopo.actorLearningRate(at: 1_500_000) == 0.5e-4)      // halfway through its own 3,000 epochs
        let hcme = try registry.configuration(algorithm: "mobile", dataset: "/data/halfcheetah_medium_expert-v2.hdf5", preset: .paper)
        #expect(try hcme.realRatio == 0.5 && settings(hcme, "mobile", MOBILEConfiguration.self).penaltyCoefficient == 1.0)
        #expect(try registry.configuration(algorithm: "mobile", dataset: "walker2d-medium-v2", preset: .paper).dynamics.maxEpochs == 30)

        let overridden = try mopo.applying(json: Data(#"{"totalSteps": 5000, "plugIns": {"mopo": {"penaltyCoefficient": 0.25}}, "environment": "hopper"}"#.utf8))
        #expect(try overridden.totalSteps == 5000 && settings(overridden, "mopo", MOPOConfiguration.self).penaltyCoefficient == 0.25)
        #expect(overridden.rolloutHorizon == 5 && overridden.environment == "hopper")
        // A plug-in's settings are checked by the plug-in's factory when the configuration is completed.
        #expect(throws: OfflineTrainingError.invalidConfiguration("plugIns.mopo: unknown key 'lambda'; known keys here: penaltyCoefficient")) {
            _ = try registry.completed(mopo.applying(json: Data(#"{"plugIns": {"mopo": {"lambda": 1}}}"#.utf8)))
        }
        #expect(throws: OfflineTrainingError.self) { _ = try mopo.applying(json: Data(#"{"totalSteps": "many"}"#.utf8)) }

        #expect(throws: OfflineTrainingError.unknownAlgorithm(name: "cql", known: ["mopo", "mobile", "mbpo"])) {
            _ = try registry.recipe(named: "cql")
        }
        #expect(try registry.recipe(named: "MOBILE").name == "mobile")
        var bad = mopo
        bad.checkpointInterval = 1500
        #expect(throws: OfflineTrainingError.self) { try bad.validate() }
        #expect(taskKey("hopper-medium-replay-v2") == "hopper-medium-replay")
        #expect(taskKey("Datasets/generated/hopper-medium-orl.hdf5") == "hopper-medium")
    }

    @Test func unknownDatasetsListTheClosestNames() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: "hoper-medium-v2", steps: 10)
        do {
            _ = try OfflineTrainer(configuration: config, directory: dir.url, resume: false)
            Issue.record("expected an unknown-dataset error")
        } catch let error as OfflineDataError {
            #expect("\(error)".contains("hopper-medium-v2"))
        }
    }
}
