import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import HDF5
import PolicyLearning
import DatasetGeneration

@Suite("Dataset generation")
struct DatasetGenerationTests {
    static func untrainedActor(_ env: String, seed: UInt64) throws -> TanhGaussianActor {
        let e = try makeEnvironment(named: env)
        var rng = RandomGenerator(seed: seed)
        return TanhGaussianActor(observationDimension: e.observationSpec.dimension, actionDimension: e.actionSpec.dimension,
                                 hiddenSizes: [32, 32], rng: &rng)
    }

    @Test func interruptedCollectionResumesToTheSameData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let actor = try Self.untrainedActor("hopper", seed: 1)
        var collector = DatasetCollector(environment: "hopper", transitions: 1500, seed: 4)
        collector.rowsPerChunk = 300
        let whole = try #require(try collector.collect(actor: actor, workDirectory: dir.url.appendingPathComponent("a")))
        let work = dir.url.appendingPathComponent("b")
        #expect(try collector.collect(actor: actor, workDirectory: work, stopAfterChunks: 2) == nil)
        let chunkFiles = try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.hasPrefix("chunk-") }
        #expect(chunkFiles.count == 2)
        let resumed = try #require(try collector.collect(actor: actor, workDirectory: work))
        #expect(resumed.count == 1500 && whole.count == 1500)
        #expect(resumed.observations == whole.observations)
        #expect(resumed.actions == whole.actions && resumed.rewards == whole.rewards)
        #expect(resumed.terminals == whole.terminals && resumed.timeouts == whole.timeouts)
        #expect(resumed.infos["qpos"] == whole.infos["qpos"])
        // A different seed gives different data.
        let other = try #require(try DatasetCollector(environment: "hopper", transitions: 1500, seed: 5)
            .collect(actor: actor, workDirectory: dir.url.appendingPathComponent("c")))
        #expect(other.observations != whole.observations)
    }

    @Test func rowsFollowD4RLsCollectionSemantics() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let actor = try Self.untrainedActor("halfcheetah", seed: 2)
        let data = try #require(try DatasetCollector(environment: "halfcheetah", transitions: 2500, seed: 0)
            .collect(actor: actor, workDirectory: dir.url))
        // HalfCheetah never terminates: timeouts at every 1000th row, the last episode cut.
        #expect(data.terminals.allSatisfy { !$0 })
        #expect(data.timeouts!.enumerated().filter(\.element).map(\.offset) == [999, 1999])
        // s' of a row is s of the next row inside an episode, and qpos/qvel describe s.
        let next = try #require(data.nextObservations)
        #expect(next.slice(0..<999) == data.observations.slice(1..<1000))
        #expect(next.slice(999..<1000) != data.observations.slice(1000..<1001))
        let qvel = try #require(data.infos["qvel"])
        #expect(isClose(qvel.slice(0..<1, axis: 0).reshaped([9]).slice(0..<9),
                        data.observations.slice(0..<1).reshaped([17]).slice(8..<17), rtol: 1e-6, atol: 1e-6))
    }

    @Test func generatorWritesTheD4RLLayoutAndStitchesMediumExpert() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let policies = dir.url.appendingPathComponent("policies")
        for (role, seed) in [("medium", UInt64(1)), ("expert", UInt64(2))] {
            let info = BehaviourPolicyInfo(environment: "hopper", role: role, step: 100, evaluationReturn: 10, hiddenSizes: [32, 32], seed: 0)
            try BehaviourPolicy.save(try Self.untrainedActor("hopper", seed: seed), info: info, directory: policies)
        }
        let path = dir.path("me.hdf5")
        let generator = DatasetGenerator(environment: "hopper", kind: .mediumExpert, transitions: 800, seed: 3, policies: policies)
        let made = try generator.generate(to: path, workDirectory: dir.url.appendingPathComponent("work"))
        let loaded = try D4RLFile.load(path: path)
        #expect(loaded.count == made.count)
        #expect(loaded.observations == made.observations)
        #expect(loaded.metadata["kind"] == "medium-expert")
        // The medium part is cut after its last episode end, then the 800 expert rows follow.
        #expect(made.count > 800 && made.count <= 1600)
        let mediumRows = made.count - 800
        #expect(made.terminals[mediumRows - 1] || made.timeouts![mediumRows - 1])
        let file = try HDF5File(path: path)
        #expect(try file.root.dataset("observations").elementType == .float32)
        #expect(try file.root.dataset("terminals").elementType == .bool)
    }

    @Test func replayKindsComeFromTheSACRunInOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var config = OnlineConfigurations.pointMass(steps: 400)
        config.saveSnapshots = true
        config.replayCapacity = 400
        let run = dir.url.appendingPathComponent("run")
        try OnlineTrainer(configuration: config, directory: run, resume: false).run()
        // The run's config.json as a version from before `sac.standardizeObservations` wrote it.
        let configFile = run.appendingPathComponent("config.json")
        let saved = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: configFile))
        try JSONEncoder().encode(try #require(saved.removing(["sac", "standardizeObservations"]))).write(to: configFile)
        let policies = dir.url.appendingPathComponent("policies")
        let (medium, expert) = try BehaviourPolicy.extract(run: run, environment: "pointmass", into: policies)
        #expect(expert.step == 400)
        #expect([200, 400].contains(medium.step))
        let path = dir.path("replay.hdf5")
        let made = try DatasetGenerator(environment: "pointmass", kind: .mediumReplay, seed: 0, policies: policies, run: run)
            .generate(to: path, workDirectory: dir.url.appendingPathComponent("w"))
        #expect(made.count == medium.step)
        // Timeouts every 20 steps: the run's 20-step episodes, in collection order.
        #expect(made.timeouts!.enumerated().filter(\.element).map(\.offset).prefix(3) == [19, 39, 59])
        #expect(try HDF5File(path: path).root.dataset("observations").elementType == .float64)
        #expect(throws: DatasetGenerationError.self) {
            try DatasetGenerator(environment: "pointmass", kind: .fullReplay, policies: policies, run: nil)
                .generate(to: dir.path("x.hdf5"), workDirectory: dir.url)
        }
    }

    /// A run that ends mid-episode has its last checkpoint at an earlier episode boundary; the
    /// full-replay kind still gets every row, from the run's final `replay.h5`.
    @Test func fullReplayOfARunEndingMidEpisodeHasEveryRow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var config = OnlineConfigurations.pointMass(steps: 410)   // 20-step episodes: ends mid-episode
        config.saveSnapshots = true
        config.evaluationInterval = 205
        config.replayCapacity = 410
        let run = dir.url.appendingPathComponent("run")
        let trainer = try OnlineTrainer(configuration: config, directory: run, resume: false)
        try trainer.run()
        #expect(FileManager.default.fileExists(atPath: trainer.finalReplayPath))
        let checkpointRows = try ReplayBuffer(restoringFrom: HDF5File(path: trainer.checkpointPath).root.group("replay")).count
        #expect(checkpointRows == 400, "the last checkpoint is the step-400 episode boundary")
        let policies = dir.url.appendingPathComponent("policies")
        let (_, expert) = try BehaviourPolicy.extract(run: run, environment: "pointmass", into: policies)
        #expect(expert.step == 410)
        let made = try DatasetGenerator(environment: "pointmass", kind: .fullReplay, seed: 0, policies: policies, run: run)
            .generate(to: dir.path("full.hdf5"), workDirectory: dir.url.appendingPathComponent("w"))
        #expect(made.count == 410)
        #expect(made.observations.slice(0..<410) == trainer.buffer.orderedTransitions().observations)
    }

    @Test func missingPoliciesExplainHowToMakeThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        do {
            try DatasetGenerator(environment: "hopper", kind: .expert, policies: dir.url).generate(to: dir.path("e.hdf5"), workDirectory: dir.url)
            Issue.record("expected an error")
        } catch let error as DatasetGenerationError {
            #expect(error.description.contains("orl sac --env hopper"))
        }
    }
}
