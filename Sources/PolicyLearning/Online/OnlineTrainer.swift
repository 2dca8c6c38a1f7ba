import Foundation
import HDF5

/// Online SAC in an environment, with periodic deterministic evaluation, JSON Lines / CSV logs,
/// atomic checkpoints and exact resume.
///
/// A checkpoint (`checkpoint.h5`) holds the networks, optimizers, temperature, replay buffer,
/// random-generator state and counters; it is written at the first episode end after every
/// ``OnlineTrainingConfiguration/checkpointInterval`` steps, to a temporary file renamed into place.
/// Because episodes restart from seeded resets, the run after a checkpoint is a deterministic
/// function of it: a run killed and resumed with `resume: true` produces the same parameters and
/// logs as an uninterrupted run (same machine, same thread count).
///
/// ```swift
/// var config = OnlineTrainingConfiguration()
/// config.environment = "halfcheetah"; config.totalSteps = 200_000
/// let trainer = try OnlineTrainer(configuration: config, directory: URL(fileURLWithPath: "runs/hc"), resume: true)
/// try trainer.run { print($0.text) }
/// ```
public final class OnlineTrainer {
    /// The run's settings.
    public let configuration: OnlineTrainingConfiguration
    /// Folder of logs, checkpoints and snapshots.
    public let directory: URL
    /// The learner.
    public let agent: SACAgent
    /// Environment steps taken so far.
    public internal(set) var step = 0
    /// Episodes started so far.
    public internal(set) var episode = 0
    /// The replay buffer (the whole history when its capacity is at least `totalSteps`).
    public internal(set) var buffer: ReplayBuffer
    /// For each buffered row, whether its episode was cut by the time limit there (D4RL's `timeouts`).
    public internal(set) var timeouts: [Bool] = []
    /// Evaluations so far: (step, result).
    public internal(set) var evaluations: [(step: Int, result: EvaluationResult)] = []

    var rng: RandomGenerator
    private var environment: any Environment
    private var evaluationEnvironment: any Environment
    private var log: TrainingLog?   // opened once the resume point is known
    /// The run directory's lock, held for the trainer's life.
    private var ownership: RunDirectoryLock?
    var nextCheckpoint: Int
    private var pendingMetrics: [String: (sum: Double, count: Int)] = [:]

    /// Path of the checkpoint file (the latest resume point, always at an episode boundary).
    public var checkpointPath: String { directory.appendingPathComponent("checkpoint.h5").path }
    /// Path of the agent saved when ``run(progress:)`` finishes.
    public var finalAgentPath: String { directory.appendingPathComponent("final.h5").path }
    /// The whole replay buffer as of the run's last step, written when the run ends (`replay.h5`).
    public var finalReplayPath: String { directory.appendingPathComponent("replay.h5").path }

    /// Creates a trainer writing into `directory`; with `resume`, continues the run found there.
    /// - Throws: ``TrainingError`` for a bad configuration, an existing run without `resume`, or a
    ///   checkpoint that does not match; environment errors for unknown tasks or missing assets.
    /// - Parameter environment: the task to train and evaluate in instead of
    ///   `makeEnvironment(named: configuration.environment)` (a task defined outside the library, such
    ///   as a test's), or `nil`; used as given (two copies), so wrap it in ``TimeLimit`` for an episode length.
    public init(configuration: OnlineTrainingConfiguration, directory: URL, resume: Bool,
                environment: (any Environment)? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.directory = directory
        self.environment = try environment ?? makeEnvironment(named: configuration.environment, maxEpisodeSteps: configuration.maxEpisodeSteps)
        evaluationEnvironment = try environment ?? makeEnvironment(named: configuration.environment, maxEpisodeSteps: configuration.maxEpisodeSteps)
        let o = self.environment.observationSpec.dimension, a = self.environment.actionSpec.dimension
        var rng = RandomGenerator(seed: configuration.seed)
        var agentRNG = rng.split()
        agent = SACAgent(observationDimension: o, actionDimension: a, configuration: configuration.sac, rng: &agentRNG)
        buffer = ReplayBuffer(capacity: configuration.replayCapacity, observationDimension: o, actionDimension: a)
        self.rng = rng
        nextCheckpoint = configuration.checkpointInterval

        let fm = FileManager.default
        ownership = try RunDirectoryLock(directory)
        let hasCheckpoint = fm.fileExists(atPath: directory.appendingPathComponent("checkpoint.h5").path)
        if hasCheckpoint && !resume { throw TrainingError.outputExists(directory: directory.path) }
        if resume && hasCheckpoint { try restore() }
        log = try TrainingLog(directory: directory, keepThroughStep: resume && hasCheckpoint ? step : nil)
        if !(resume && hasCheckpoint) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(configuration), to: directory.appendingPathComponent("config.json").path)
            try RunMetadata.write(RunMetadata.current(seed: configuration.seed), to: directory.appendingPathComponent("metadata.json").path)
        } else {
            let metadataFile = directory.appendingPathComponent("metadata.json").path
            do { try RunMetadata.recordResume(at: metadataFile, seed: configuration.seed) } catch {
                throw TrainingError.checkpointMismatch(file: metadataFile, reason: "unreadable (\(error))")
            }
        }
    }

    /// Trains until ``OnlineTrainingConfiguration/totalSteps``, calling `progress` about every 2 s.
    public func run(progress: ((ProgressLine) -> Void)? = nil) throws {
        BLASRuntime.beginSingleThreaded()   // small products: split across cores by Tensor.parallelGemm instead
        defer { BLASRuntime.endSingleThreaded() }

        let o = environment.observationSpec.dimension, a = environment.actionSpec.dimension
        let low = environment.actionSpec.low, high = environment.actionSpec.high
        var observation = [Float](repeating: 0, count: o), next = observation
        var action = [Float](repeating: 0, count: a)
        var batch = TransitionBatch(batchSize: configuration.sac.batchSize, observationDimension: o, actionDimension: a)
        var needsReset = true
        let start = monotonicSeconds()
        var lastReport = start, stepsAtStart = step

        while step < configuration.totalSteps {
            if needsReset {
                if step >= nextCheckpoint {
                    try saveCheckpoint()
                    while nextCheckpoint <= step { nextCheckpoint += configuration.checkpointInterval }
                }
                environment.reset(seed: episodeSeed(episode), into: &observation)
                episode += 1
                needsReset = false
            }
            if step < configuration.randomSteps {
                for i in 0..<a { action[i] = rng.uniform(low[i], high[i]) }
            } else {
                action = agent.act(Tensor(shape: [1, o], scalars: observation), deterministic: false, rng: &rng).scalars
            }
            let outcome = environment.step(action, into: &next)
            observation.withUnsafeBufferPointer { s in
                action.withUnsafeBufferPointer { u in
                    next.withUnsafeBufferPointer { s2 in
                        buffer.append(observation: s, action: u, reward: Float(outcome.reward), nextObservation: s2,
                                      terminal: outcome.terminated)
                    }
                }
            }
            if timeouts.count < configuration.replayCapacity { timeouts.append(outcome.truncated && !outcome.terminated) }
            swap(&observation, &next)
            step += 1
            if outcome.terminated || outcome.truncated { needsReset = true }

            if step >= configuration.updateAfter {
                buffer.sample(into: &batch, rng: &rng)
                accumulate(agent.update(batch, rng: &rng))
            }
            if step % configuration.evaluationInterval == 0 { try evaluateAndLog(wallSeconds: monotonicSeconds() - start) }
            let now = monotonicSeconds()
            if let progress, now - lastReport >= 2 || step == configuration.totalSteps {
                progress(ProgressLine(step: step, totalSteps: configuration.totalSteps,
                                      stepsPerSecond: Double(step - stepsAtStart) / Swift.max(now - start, 1e-9),
                                      latestReturn: evaluations.last?.result.mean))
                lastReport = now
            }
        }
        // Resume points are episode boundaries only (environments restart from seeded resets, so
        // nothing of the simulator needs saving); the trained agent is always saved as final.h5.
        if needsReset { try saveCheckpoint() }
        try saveFinalReplay()
        try AtomicFile.produce(finalAgentPath) { try Checkpoint.save(to: $0, parts: agent.checkpointParts) }
    }

    var nextCheckpointStep: Int {
        get { nextCheckpoint }
        set { nextCheckpoint = newValue }
    }
    var generatorState: RandomGenerator {
        get { rng }
        set { rng = newValue }
    }

    func restoreBuffers(from file: HDF5File) throws {
        buffer = try ReplayBuffer(restoringFrom: file.root.group("replay"), capacity: configuration.replayCapacity)
        timeouts = try file.root.dataset("replay/timeouts_padded").read(UInt8.self).dropLast().map { $0 != 0 }
    }

    /// The reset seed of episode `index` (distinct from evaluation seeds).
    private func episodeSeed(_ index: Int) -> UInt64 { configuration.seed &* 1_000_003 &+ UInt64(index) }

    private func accumulate(_ metrics: TrainingMetrics) {
        for (k, v) in metrics {
            let old = pendingMetrics[k] ?? (0, 0)
            pendingMetrics[k] = (old.sum + v, old.count + 1)
        }
    }

    private func evaluateAndLog(wallSeconds: Double) throws {
        let seed = (1 << 40) &+ configuration.seed &* 7919
        let result = evaluate(policy: { [agent] obs in
            var unused = RandomGenerator(seed: 0)
            return agent.act(obs, deterministic: true, rng: &unused)
        }, environment: &evaluationEnvironment, episodes: configuration.evaluationEpisodes, seed: seed)
        evaluations.append((step, result))
        var row: [String: Double] = ["step": Double(step), "episode": Double(episode), "return_mean": result.mean,
                                     "return_std": result.standardDeviation, "wall_seconds": wallSeconds]
        if let score = try? normalizedScore(dataset: configuration.environment + "-medium-v2", return: result.mean) {
            row["normalized_score"] = score
        }
        for (k, v) in pendingMetrics { row[k] = v.sum / Double(v.count) }
        pendingMetrics = [:]
        try log?.append(row)
        if configuration.saveSnapshots {
            let snapshots = directory.appendingPathComponent("snapshots")
            try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            let path = snapshots.appendingPathComponent(String(format: "actor-step%09d.h5", step)).path
            try AtomicFile.produce(path) { try Checkpoint.save(agent.actor, to: $0) }
        }
    }
}
