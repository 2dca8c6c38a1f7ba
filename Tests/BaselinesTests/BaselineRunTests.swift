import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import Baselines
import RAVL

/// Each baseline runs in the shared loop with checkpoints and exact resume, registered from outside
/// the library's base registry, and bad combinations are refused with typed errors.
@Suite("Baselines in the shared loop: runs, resume, recipes, refusals")
struct BaselineRunTests {
    /// The base registry plus this module's algorithms and RAVL's plug-ins.
    static let registry: OfflineAlgorithmRegistry = {
        var registry = OfflineAlgorithmRegistry.base
        try! registry.register(COMBO())
        try! registry.register(CQL())
        try! registry.register(EDAC())
        try! registry.register(TD3BC())
        try! registry.register(IQL())
        try! registry.register(RAMBO())
        try! registry.register(factory: RAVLPlugInFactory())
        return registry
    }()

    /// `algorithm`'s recipe shrunk to a unit-test run on the point-mass data.
    static func tiny(_ algorithm: String, dataset: String, steps: Int) throws -> OfflineTrainingConfiguration {
        var c = try registry.configuration(algorithm: algorithm, dataset: dataset, preset: .short)
        let shape = OfflineConfigurations.tinyConfiguration(algorithm: "mbpo", dataset: dataset, steps: steps)
        c.preset = "test"
        c.seed = 5
        c.totalSteps = steps
        c.stepsPerEpoch = 100
        c.cosineScheduleEpochs = nil
        c.rolloutInterval = 100
        c.rolloutBatchSize = 100
        c.modelRetainEpochs = 2
        c.rolloutHorizon = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 100
        c.evaluationEpisodes = 2
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [32, 32]
        c.sac.batchSize = 64
        c.sac.critics = min(c.sac.critics, 3)
        c.dynamics = shape.dynamics
        if var cql = try c.plugInSettings("cql", as: CQLSettings.self) { cql.sampledActions = 3; c.setPlugInSettings("cql", cql) }
        if var combo = try c.plugInSettings("combo", as: COMBOSettings.self) { combo.sampledActions = 3; c.setPlugInSettings("combo", combo) }
        return try registry.completed(c)
    }

    static func parameters(_ learner: any OfflineAgent) -> [String: [String: Tensor]] {
        learner.checkpointParts.mapValues { $0.module.parameterValues() }
    }

    /// `config` run in `directory` until 150 updates and stopped there (as a kill would leave it,
    /// its checkpoint at 100), then resumed to the end: the resumed trainer.
    static func killedAndResumed(_ config: OfflineTrainingConfiguration, in directory: URL) throws -> OfflineTrainer {
        do { try OfflineTrainer(configuration: config, directory: directory, resume: false, registry: registry).run(stopAfter: 150) }
        let resumed = try OfflineTrainer(configuration: config, directory: directory, resume: true, registry: registry)
        #expect(resumed.step == 100)
        try resumed.run()
        return resumed
    }

    @Test(arguments: ["cql", "edac", "combo", "td3bc", "iql"])
    func runsAndResumesExactly(algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        let config = try Self.tiny(algorithm, dataset: data, steps: 300)
        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false,
                                      registry: Self.registry)
        try full.run()
        #expect(full.step == 300 && full.evaluations.count == 3)
        let modelFree = algorithm != "combo"
        #expect((full.model == nil) == modelFree && (full.modelBuffer.count == 0) == modelFree)
        #expect((full.sacAgent == nil) == ["td3bc", "iql"].contains(algorithm))

        let killed = dir.url.appendingPathComponent("killed")
        let resumed = try Self.killedAndResumed(config, in: killed)
        #expect(Self.parameters(resumed.learner) == Self.parameters(full.learner))
        #expect(resumed.evaluations == full.evaluations)
        let strip = { (row: [String: Double]) in row.filter { $0.key != "wall_seconds" } }
        #expect(try TrainingLog.readRows(directory: killed).map(strip)
                == TrainingLog.readRows(directory: dir.url.appendingPathComponent("full")).map(strip))

        // The final agent reloads as the same kind of learner for `orl evaluate`.
        let (loaded, description) = try OfflineTrainer.loadLearner(from: full.finalAgentPath, registry: Self.registry)
        #expect(type(of: loaded) == type(of: full.learner) && description.step == 300)
        #expect(Self.parameters(loaded) == Self.parameters(full.learner))
    }

    @Test func recipesCarryTheReferenceSettings() throws {
        let cql = try Self.registry.configuration(algorithm: "cql", dataset: "hopper-medium-v2", preset: .paper)
        #expect(cql.dynamicsSource == .noModel && cql.realRatio == 1 && cql.totalSteps == 1_000_000)
        #expect(cql.sac.hiddenSizes == [256, 256, 256] && cql.sac.maximumAlpha == nil && !cql.cosineActorSchedule)
        #expect(try cql.plugInSettings("cql", as: CQLSettings.self) == CQLSettings(weight: 5))

        let edac = try Self.registry.configuration(algorithm: "edac", dataset: "hopper-medium-orl", preset: .short)
        #expect(edac.sac.critics == 50 && edac.sac.maximumAlpha == 1 && edac.totalSteps == 50_000)
        #expect(try edac.plugInSettings("edac", as: EDACSettings.self)?.eta == 1)
        #expect(EDAC.task(for: "walker2d-medium-expert-v2") == EDAC.Task(critics: 10, eta: 5))
        #expect(try Self.registry.configuration(algorithm: "edac", dataset: "hopper-medium-v2", preset: .paper).totalSteps == 3_000_000)

        let combo = try Self.registry.configuration(algorithm: "combo", dataset: "walker2d-medium-v2", preset: .short)
        #expect(combo.dynamicsSource == .learned && combo.realRatio == 0.5 && combo.rolloutHorizon == 1 && combo.cosineScheduleEpochs == 1000)
        #expect(try combo.plugInSettings("combo", as: COMBOSettings.self) == COMBOSettings(weight: 5))
        #expect(COMBO.task(for: "halfcheetah-medium-orl") == COMBO.Task(rolloutHorizon: 5, weight: 0.5))

        let td3bc = try Self.registry.configuration(algorithm: "td3bc", dataset: "hopper-medium-orl", preset: .paper)
        #expect(td3bc.sac.hiddenSizes == [256, 256] && td3bc.sac.actorLearningRate == 3e-4 && td3bc.totalSteps == 1_000_000)
        let iql = try Self.registry.configuration(algorithm: "iql", dataset: "hopper-medium-orl", preset: .short)
        #expect(iql.cosineActorSchedule && iql.cosineScheduleEpochs == 1000)
        #expect(try iql.plugInSettings("iql", as: IQLSettings.self) == IQLSettings())
    }

    @Test func badCombinationsAreRefusedWithTypedErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        func start(_ c: OfflineTrainingConfiguration, _ name: String) throws {
            _ = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent(name), resume: false, registry: Self.registry)
        }
        // Two agents.
        var twoAgents = try Self.tiny("td3bc", dataset: data, steps: 100)
        twoAgents.setPlugInSettings("iql", IQLSettings())
        #expect(throws: OfflineTrainingError.conflictingPlugIns(hook: "agent", first: "td3bc", second: "iql")) { try start(twoAgents, "a") }
        // A SAC plug-in on a non-SAC learner.
        var ravl = try Self.tiny("td3bc", dataset: data, steps: 100)
        ravl.setPlugInSettings("ravl", RAVLSettings(eta: 1))
        let error = #expect(throws: OfflineTrainingError.self) { try start(ravl, "b") }
        #expect(error?.reason.contains("'ravl' needs the SAC learner") == true)
        // No model, yet model rows asked for; MOBILE without a model.
        var mixed = try Self.tiny("cql", dataset: data, steps: 100)
        mixed.realRatio = 0.5
        #expect(throws: OfflineTrainingError.self) { try mixed.validate() }
        var mobile = try Self.tiny("cql", dataset: data, steps: 100)
        mobile.plugIns["cql"] = nil
        mobile.setPlugInSettings("mobile", MOBILEConfiguration(penaltyCoefficient: 1))
        #expect(throws: OfflineTrainingError.self) { try start(mobile, "c") }
        // Out-of-range settings name their key.
        var badIQL = try Self.tiny("iql", dataset: data, steps: 100)
        badIQL.plugIns["iql"] = .object(["expectile": .number(1.5)])
        let iqlError = #expect(throws: OfflineTrainingError.self) { try start(badIQL, "d") }
        #expect(iqlError?.reason.contains("plugIns.iql.expectile") == true)
    }
}
