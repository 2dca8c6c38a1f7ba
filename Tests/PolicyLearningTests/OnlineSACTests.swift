import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning

@Suite("Online SAC")
struct OnlineSACTests {
    /// A small, fast configuration on the pure-Swift point-mass task (20-step episodes).
    static func pointMassConfiguration(steps: Int) -> OnlineTrainingConfiguration {
        OnlineConfigurations.pointMass(steps: steps)
    }

    @Test func learnsTheNearOptimalPointMassPolicy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let trainer = try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: 8000),
                                        directory: dir.url.appendingPathComponent("run"), resume: false)
        try trainer.run()

        var env = try makeEnvironment(named: "pointmass", maxEpisodeSteps: 20)
        let task = PointMass()
        var rng = RandomGenerator(seed: 99)
        let learned = evaluate(policy: { trainer.agent.act($0, deterministic: true, rng: &rng) },
                               environment: &env, episodes: 20, seed: 500)
        let optimal = evaluate(policy: { Tensor(shape: [1, 2], scalars: task.optimalAction(for: $0.scalars)) },
                               environment: &env, episodes: 20, seed: 500)
        var noise = RandomGenerator(seed: 7)
        let random = evaluate(policy: { _ in Tensor.uniform([1, 2], low: -1, high: 1, rng: &noise) },
                              environment: &env, episodes: 20, seed: 500)
        // Fraction of the random-to-optimal gap that SAC closes.
        let closed = (learned.mean - random.mean) / (optimal.mean - random.mean)
        #expect(closed > 0.95, "learned \(learned.mean), optimal \(optimal.mean), random \(random.mean)")
    }

    @Test func resumedRunEqualsUninterruptedRun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let steps = 600
        let full = try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: steps),
                                     directory: dir.url.appendingPathComponent("full"), resume: false)
        try full.run()

        // "Killed" at step 310, mid-episode: what is left on disk is the step-200 checkpoint.
        let killedDirectory = dir.url.appendingPathComponent("killed")
        try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: 310), directory: killedDirectory, resume: false).run()
        #expect(throws: TrainingError.self) {
            _ = try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: steps), directory: killedDirectory, resume: false)
        }
        var other = Self.pointMassConfiguration(steps: steps)
        other.sac.discount = 0.8
        let mismatch = #expect(throws: TrainingError.self) {
            _ = try OnlineTrainer(configuration: other, directory: killedDirectory, resume: true)
        }
        #expect(mismatch.map { "\($0)" }?.contains("changed: sac.discount") == true)  // names the field
        try Self.removeSACSetting("standardizeObservations", fromCheckpointIn: killedDirectory)  // as an earlier version wrote it
        let resumed = try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: steps),
                                        directory: killedDirectory, resume: true)
        #expect(resumed.step == 200)
        try resumed.run()

        #expect(resumed.agent.actor.parameterValues() == full.agent.actor.parameterValues())
        #expect(resumed.agent.critics.parameterValues() == full.agent.critics.parameterValues())
        #expect(resumed.agent.alpha == full.agent.alpha)
        #expect(resumed.evaluations.map(\.result) == full.evaluations.map(\.result))
        let strip: ([String: Double]) -> [String: Double] = { $0.filter { $0.key != "wall_seconds" } }
        let fullLog = try TrainingLog(directory: dir.url.appendingPathComponent("full"), keepThroughStep: .max).rows()
        let resumedLog = try TrainingLog(directory: killedDirectory, keepThroughStep: .max).rows()
        #expect(fullLog.map(strip) == resumedLog.map(strip))
        #expect(fullLog.count == steps / 200)
    }

    /// Rewrites a checkpoint's `trainer/state` without `sac.KEY` (a Boolean), as a version from
    /// before that setting was added wrote it. Edited as text: the state's UInt64 generator words
    /// would not survive a round trip through `JSONValue`'s doubles.
    static func removeSACSetting(_ key: String, fromCheckpointIn directory: URL) throws {
        let file = try HDF5File(path: directory.appendingPathComponent("checkpoint.h5").path, mode: .readWrite)
        let state = try file.root.dataset("trainer/state").readString()
        var older = state.replacingOccurrences(of: #""\#(key)":(true|false),"#, with: "", options: .regularExpression)
        if older == state {
            older = state.replacingOccurrences(of: #","\#(key)":(true|false)"#, with: "", options: .regularExpression)
        }
        #expect(older != state, "trainer/state has no sac.\(key)")
        try file.root.remove("trainer/state")
        try file.root.write(older, at: "trainer/state")
        try file.flush()
    }

    /// `orl sac --resume --steps MORE` (which sizes the buffer to the steps): a finished run
    /// extended with a grown replay buffer equals a run made that long from the start.
    @Test func extendedRunEqualsALongerRun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        func configuration(_ steps: Int) -> OnlineTrainingConfiguration {
            var c = Self.pointMassConfiguration(steps: steps)
            c.replayCapacity = steps
            return c
        }
        let long = try OnlineTrainer(configuration: configuration(600), directory: dir.url.appendingPathComponent("long"), resume: false)
        try long.run()
        let extendedDirectory = dir.url.appendingPathComponent("extended")
        try OnlineTrainer(configuration: configuration(400), directory: extendedDirectory, resume: false).run()
        var extended: OnlineTrainer! = try OnlineTrainer(configuration: configuration(600), directory: extendedDirectory, resume: true)
        #expect(extended.step == 400 && extended.buffer.capacity == 600 && extended.buffer.count == 400)
        try extended.run()
        #expect(extended.agent.actor.parameterValues() == long.agent.actor.parameterValues())
        #expect(extended.agent.critics.parameterValues() == long.agent.critics.parameterValues())
        #expect(extended.evaluations.map(\.result) == long.evaluations.map(\.result))
        let a = extended.buffer.orderedTransitions(), b = long.buffer.orderedTransitions()
        #expect(a.observations == b.observations && a.rewards == b.rewards && a.terminals == b.terminals)

        extended = nil                                    // the run is over: its directory is free
        var smaller = configuration(800)
        smaller.replayCapacity = 300      // a buffer is never shrunk
        #expect(throws: TrainingError.self) { _ = try OnlineTrainer(configuration: smaller, directory: extendedDirectory, resume: true) }
    }

    @Test func resumeRefusesADifferentConfiguration() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let run = dir.url.appendingPathComponent("run")
        try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: 200), directory: run, resume: false).run()
        var other = Self.pointMassConfiguration(steps: 400)
        other.sac.discount = 0.5
        #expect(throws: TrainingError.self) { _ = try OnlineTrainer(configuration: other, directory: run, resume: true) }

        // An unreadable metadata.json stops the resume with a named error and is left as it is.
        let metadata = run.appendingPathComponent("metadata.json")
        try Data("{ not json".utf8).write(to: metadata)
        #expect {
            _ = try OnlineTrainer(configuration: Self.pointMassConfiguration(steps: 200), directory: run, resume: true)
        } throws: { error in
            guard case let TrainingError.checkpointMismatch(file, reason)? = error as? TrainingError else { return false }
            return file == metadata.path && reason.hasPrefix("unreadable")
        }
        #expect(try String(contentsOf: metadata, encoding: .utf8) == "{ not json")
    }

    @Test func badConfigurationsAndTasksAreRejected() {
        var c = Self.pointMassConfiguration(steps: 0)
        #expect(throws: TrainingError.invalidConfiguration("totalSteps must be positive, got 0")) { try c.validate() }
        c.totalSteps = 10
        c.sac.standardizeObservations = true                      // no dataset to take statistics from
        #expect(throws: TrainingError.self) { try c.validate() }
        c.sac.standardizeObservations = false
        c.environment = "cheetah-run"
        #expect(throws: EnvironmentError.self) {
            _ = try OnlineTrainer(configuration: c, directory: URL(fileURLWithPath: "/tmp/orl-never"), resume: false)
        }
    }
}
