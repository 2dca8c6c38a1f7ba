import Foundation
import Testing
import TestSupport
import PolicyLearning

/// Counts rollout steps by t and checks the event shapes.
final class StepCounter: RolloutObserver {
    var rowsPerStep: [Int: Int] = [:]
    var horizons = Set<Int>()
    func observe(_ event: RolloutStepEvent) {
        rowsPerStep[event.t, default: 0] += event.observations.shape[0]
        horizons.insert(event.horizon)
        precondition(event.kept.count == event.observations.shape[0] && event.storedRewards.count == event.kept.count)
    }
}

/// A plug-in that installs a filter and an observer and logs a column.
final class ProbePlugIn: OfflinePlugIn {
    let counter = StepCounter()
    let filter = RejectNegative()
    func install(on trainer: OfflineTrainer) throws {
        try trainer.install(filter: filter, by: "probe")
        trainer.rolloutObservers.append(counter)
    }
    func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] {
        ["probe_filter_calls": Double(filter.calls)]
    }
}

struct ProbeSettings: DefaultedSettings { var level = 1 }

struct ProbeFactory: OfflinePlugInFactory {
    var key: String { "probe" }
    func makePlugIn(settings: ProbeSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard settings.level > 0 else {
            throw OfflineTrainingError.invalidConfiguration("probe level must be positive")
        }
        return ProbePlugIn()
    }
}

@Suite("Offline extensions: plug-ins, dynamics sources, rollout-step tags")
struct OfflineExtensionTests {
    /// `learned`, `true`, `interpolate:λ` parse, print and round-trip through JSON; bad forms are named.
    @Test func dynamicsSourcesParseAndRoundTrip() throws {
        #expect(try DynamicsSource(parsing: "learned") == .learned)
        #expect(try DynamicsSource(parsing: "TRUE") == .trueDynamics)
        #expect(try DynamicsSource(parsing: "interpolate:0.25") == .interpolated(0.25))
        for bad in ["interpolate:1.5", "interpolate:x", "oracles", ""] {
            #expect(throws: OfflineTrainingError.self) { _ = try DynamicsSource(parsing: bad) }
        }
        var config = OfflineTrainingConfiguration()
        config.dynamicsSource = .interpolated(0.5)
        let decoded = try JSONDecoder().decode(OfflineTrainingConfiguration.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
        #expect(String(decoding: try JSONEncoder().encode(config), as: UTF8.self).contains(#""dynamicsSource":"interpolate:0.5""#))
    }

    /// s'_λ = (1 − λ)s'_model + λ s'_true and the same for r (Sims et al. 2024, Fig. 1); termination
    /// reads the blended state.
    @Test func interpolatedDynamicsBlendsLinearly() {
        let learned = StubModel()                 // s' = s + a, r = 10
        let oracle = StubModel()
        oracle.reward = 2
        final class Shifted: DynamicsModel {      // s' = s + a + 4, r = 2
            let base: StubModel
            init(_ base: StubModel) { self.base = base }
            var observationDimension: Int { 2 }
            var actionDimension: Int { 1 }
            var eliteCount: Int { 1 }
            func step(_ o: Tensor, _ a: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
                var s = base.step(o, a, memberStatistics: false, rng: &rng)
                s.nextObservations = s.nextObservations + 4
                return s
            }
            func sampleElites(_ o: Tensor, _ a: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples { fatalError() }
        }
        let termination = TerminationFunction(name: "x>3", observationDimension: 2) { $0[0] > 3 }
        var rng = RandomGenerator(seed: 1)
        let s = Tensor(shape: [2, 2], scalars: [0, 0, 1, 1]), a = Tensor([[0.5], [0.5]])
        for (lambda, expectedFirst) in [(Float(0), Float(0.5)), (1, 4.5), (0.25, 1.5)] {
            let model = InterpolatedDynamics(learned: learned, oracle: Shifted(oracle), lambda: lambda, termination: termination)
            let step = model.step(s, a, memberStatistics: true, rng: &rng)
            #expect(step.nextObservations.scalars[0] == expectedFirst)
            #expect(step.nextObservations.scalars[2] == expectedFirst + 1)
            #expect(step.rewards.scalars[0] == 10 * (1 - lambda) + 2 * lambda)
            #expect(step.terminals.scalars == [expectedFirst > 3 ? 1 : 0, expectedFirst + 1 > 3 ? 1 : 0])
            // Member means move with the sample; deviations are the learned model's.
            #expect(step.memberMeans!.scalars[0] == 4 * lambda)
            #expect(step.memberStandardDeviations! == learned.step(s, a, rng: &rng).memberStandardDeviations!)
        }
    }

    /// Every stored model transition carries its rollout step; the tags survive a checkpoint and
    /// reach sampled batches (−1 for real rows).
    @Test func rolloutStepsAreTaggedStoredAndSampled() throws {
        let model = StubModel()
        model.terminalAbove = 2.4
        let counter = StepCounter()
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 2, actionDimension: 1)
        var rng = RandomGenerator(seed: 3)
        let stats = ModelRollout(horizon: 3).run(
            model: model, startObservations: Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 2, 2, 3, 3]),
            policy: { s, _ in Tensor(repeating: 0.5, shape: [s.shape[0], 1]) }, observers: [counter], into: &buffer, rng: &rng)
        #expect(stats.activeRows == [4, 2, 2])
        #expect(counter.rowsPerStep == [0: 4, 1: 2, 2: 2] && counter.horizons == [3])
        let tags = Array(buffer.rolloutSteps[0..<buffer.count])
        #expect(tags == [0, 0, 0, 0, 1, 1, 2, 2])

        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        do {
            let file = try HDF5File(path: dir.path("buffer.h5"), mode: .create)
            try buffer.save(to: file.root.createGroup("b"))
        }
        let restored = try ReplayBuffer(restoringFrom: HDF5File(path: dir.path("buffer.h5")).root.group("b"))
        #expect(Array(restored.rolloutSteps[0..<restored.count]) == tags)

        let real = ReplayBuffer(Transitions(observations: Tensor.zeros([5, 2]), actions: Tensor.zeros([5, 1]), rewards: Tensor.zeros([5]),
                                            nextObservations: Tensor.zeros([5, 2]), terminals: Tensor.zeros([5])))
        var batch = TransitionBatch(batchSize: 40, observationDimension: 2, actionDimension: 1)
        MixedSampler(realRatio: 0.25).sample(real: real, model: buffer, into: &batch, rng: &rng)
        #expect(batch.rolloutSteps[0..<10].allSatisfy { $0 == -1 })
        #expect(batch.rolloutSteps[10...].allSatisfy { (0...2).contains($0) })
        // The tag matches the sampled row: s advances by 0.5 a step, so only step-1 rows start at
        // half-integer states.
        for row in 10..<40 {
            let fractional = batch.observations.scalars[row * 2].truncatingRemainder(dividingBy: 1) != 0
            #expect(fractional == (batch.rolloutSteps[row] == 1), "row \(row)")
        }
    }

    /// A plug-in named in the configuration is built by its factory, installs its hooks before
    /// training, and its metrics reach progress.jsonl; unknown plug-in keys are refused.
    @Test func plugInsInstallHooksAndLogMetrics() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        var config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 200)
        config = try config.applying(json: Data(#"{"algorithm": "probe-mopo", "plugIns": {"probe": {"level": 2}}}"#.utf8))
        #expect(try config.plugInSettings("probe", as: ProbeSettings.self) == ProbeSettings(level: 2))
        #expect(config.algorithm == "probe-mopo")

        let plugIns = try config.makePlugIns([ProbeFactory()])
        #expect(plugIns.count == 2)                                     // MOPO's, then the probe
        let trainer = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("run"), resume: false,
                                         plugIns: plugIns)
        try trainer.run()
        let probe = try #require(plugIns.last as? ProbePlugIn)
        #expect(probe.filter.calls > 0)
        #expect(probe.counter.rowsPerStep[0] == 2 * config.rolloutBatchSize)   // two rollouts of 100 starts
        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("run"))
        #expect(rows.last?["probe_filter_calls"] == Double(probe.filter.calls))

        var unknown = config
        unknown.plugIns["nonesuch"] = .object([:])
        #expect(throws: OfflineTrainingError.self) { _ = try unknown.makePlugIns([ProbeFactory()]) }
        var bad = config
        bad.plugIns["probe"] = .object(["level": .string("high")])
        #expect(throws: OfflineTrainingError.self) { _ = try bad.makePlugIns([ProbeFactory()]) }
    }
}

/// A plug-in with an update hook that random-walks a parameter of its own (checkpointed as the part
/// `walk`, or under `partName`) and records when it is called.
final class WalkPlugIn: OfflinePlugIn, OfflineUpdateHook {
    final class Walk: Module {
        let position = Variable(Tensor([0]))
    }
    let walk = Walk()
    let partName: String
    var firstCalls: [Int] = [], afterSteps: [Int] = [], restored = 0
    init(partName: String = "walk") { self.partName = partName }
    func install(on trainer: OfflineTrainer) throws { trainer.updateHooks.append(self) }
    var checkpointParts: [String: Checkpoint.Part] { [partName: (walk, nil)] }
    func didRestoreCheckpoint(trainer: OfflineTrainer) throws { restored += 1 }
    func beforeFirstUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws { firstCalls.append(trainer.step) }
    func afterUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws -> TrainingMetrics {
        afterSteps.append(trainer.step)
        walk.update(parameters: ["position": walk.position.value + rng.normal()])
        return ["walk_position": Double(walk.position.value.scalars[0])]
    }
}

@Suite("Offline extensions: update hooks and plug-in checkpoint parts")
struct OfflineUpdateHookTests {
    /// Hooks run once before the first update and after every update with the loop's generator;
    /// the plug-in's part is checkpointed, so a killed run resumes to the same walk and logs; a
    /// part named like the learner's is refused.
    @Test func hooksRunAroundUpdatesAndTheirStateResumesExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        let config = OfflineConfigurations.tinyConfiguration(algorithm: "mbpo", dataset: data, steps: 300)
        func trainer(_ name: String, resume: Bool, _ walk: WalkPlugIn) throws -> OfflineTrainer {
            try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent(name), resume: resume,
                               plugIns: config.makePlugIns([]) + [walk])
        }
        let full = WalkPlugIn()
        try trainer("full", resume: false, full).run()
        #expect(full.firstCalls == [0] && full.afterSteps == Array(1...300) && full.restored == 0)

        try trainer("killed", resume: false, WalkPlugIn()).run(stopAfter: 250)   // checkpoint at 200
        let resumed = WalkPlugIn()
        try trainer("killed", resume: true, resumed).run()
        #expect(resumed.firstCalls.isEmpty && resumed.afterSteps == Array(201...300) && resumed.restored == 1)
        #expect(resumed.walk.position.value == full.walk.position.value && full.walk.position.value.scalars[0] != 0)
        let strip = { (row: [String: Double]) in row.filter { $0.key != "wall_seconds" } }
        let fullRows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("full"))
        #expect(fullRows.allSatisfy { $0["walk_position"] != nil })
        #expect(try TrainingLog.readRows(directory: dir.url.appendingPathComponent("killed")).map(strip) == fullRows.map(strip))

        let clash = #expect(throws: OfflineTrainingError.self) { _ = try trainer("clash", resume: false, WalkPlugIn(partName: "actor")) }
        #expect(clash?.reason.contains("checkpoint part named 'actor'") == true)
    }
}
