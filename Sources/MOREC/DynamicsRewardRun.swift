import Foundation

/// A whole dynamics-reward learning run in a directory (`orl morec learn-reward`): the dataset's
/// transitions, ``AdversarialDynamicsRewardLearner`` with atomic checkpoints and exact resume, and
/// at the end the reward the `morec-*` algorithms load.
///
/// Files: `config.json` (the settings), `progress.jsonl`/`.csv`, `learner.h5` (the resume point),
/// and when finished `reward.h5` and `summary.json` (held-out vs corrupted rewards).
public struct DynamicsRewardRun {
    /// The learner's settings.
    public var configuration: AdversarialRewardConfiguration
    /// A registered dataset name or a D4RL-layout file path.
    public var dataset: String
    /// The run directory.
    public var directory: URL

    /// What a finished run measured.
    public struct Summary: Codable, Sendable, Equatable {
        /// Reward snapshots averaged.
        public var snapshots: Int
        /// Held-out rows.
        public var heldoutRows: Int
        /// Mean reward of held-out real transitions, and of the same with corrupted next states.
        public var rewardHeldoutReal: Float, rewardHeldoutCorrupted: Float
        /// Mean reward of the generator's mean prediction on the held-out rows.
        public var rewardGeneratorMean: Float
        /// Updates done.
        public var updates: Int
        /// The reward's range.
        public var rewardRange: ClosedRange<Float>
    }

    /// How a call to ``run(resume:stopAfter:report:)`` ended.
    public enum Outcome: Sendable, Equatable {
        /// Stopped early at this update; continue with `resume`.
        case stopped(step: Int)
        /// Finished: `reward.h5` and `summary.json` are written.
        case finished(Summary)
    }

    /// A run of `configuration` on `dataset` in `directory`.
    public init(configuration: AdversarialRewardConfiguration, dataset: String, directory: URL) {
        self.configuration = configuration
        self.dataset = dataset
        self.directory = directory
    }

    /// The directory the `morec-*` recipes look in for `dataset`'s reward.
    public static func defaultDirectory(dataset: String) -> URL {
        URL(fileURLWithPath: (MORECRecipe.defaultRewardPath(dataset: dataset) as NSString).deletingLastPathComponent)
    }

    /// The resume point.
    public var learnerPath: String { directory.appendingPathComponent("learner.h5").path }
    /// The learned reward.
    public var rewardPath: String { directory.appendingPathComponent("reward.h5").path }

    /// Trains (resuming from `learner.h5` when `resume`), checkpointing atomically.
    /// - Parameters:
    ///   - stopAfter: stop after this many updates in total, leaving the run resumable.
    ///   - report: one line per event and progress report.
    /// - Throws: ``MORECError/invalidSettings(_:)`` for bad settings or a directory that already
    ///   holds a run without `resume`; dataset, HDF5 and learner errors.
    public func run(resume: Bool, stopAfter: Int? = nil, report: @escaping (String) -> Void) throws -> Outcome {
        try configuration.validate()
        let fm = FileManager.default
        let ownership = try RunDirectoryLock(directory)
        defer { withExtendedLifetime(ownership) {} }
        if (fm.fileExists(atPath: learnerPath) || fm.fileExists(atPath: rewardPath)) && !resume {
            throw MORECError.invalidSettings("\(directory.path) already holds a reward run; pass --resume to continue it or choose another --out")
        }
        let (path, _) = try DatasetRegistry.standard().resolve(dataset)
        report("loading \(path)")
        let transitions = try DatasetFormat.load(path: path).dynamicsTransitions()
        let learner = try AdversarialDynamicsRewardLearner(configuration: configuration, transitions: transitions,
                                                           provenance: ["dataset": dataset, "seed": String(configuration.seed)])
        let resuming = resume && fm.fileExists(atPath: learnerPath)
        if resuming {
            try learner.restoreCheckpoint(from: learnerPath)
            report("resuming at update \(learner.step)")
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = try TrainingLog(directory: directory, keepThroughStep: resuming ? learner.step : nil)
        learner.logSink = { try log.append($0) }
        if !resuming { try AtomicFile.write(try Self.prettyJSON(configuration.settingsTree), to: directory.appendingPathComponent("config.json").path) }
        report("learning a dynamics reward on \(dataset): \(transitions.count) transitions (\(learner.holdout.observations.shape[0]) held out), " +
               "\(configuration.warmupSteps) warm-up + \(configuration.adversarialSteps) adversarial updates, seed \(configuration.seed)")
        let learnerPath = self.learnerPath
        try learner.train(stopAfter: stopAfter, checkpoint: { l in
            try AtomicFile.produce(learnerPath) { try l.saveCheckpoint(to: $0) }
        }, progress: { report($0.text) })
        guard learner.step == learner.totalSteps else {
            try AtomicFile.produce(learnerPath) { try learner.saveCheckpoint(to: $0) }
            return .stopped(step: learner.step)
        }
        let reward = try learner.reward()
        try AtomicFile.produce(rewardPath) { try reward.save(to: $0) }
        var rng = RandomGenerator(seed: configuration.seed &+ 99)
        let check = try RewardHoldoutCheck.run(reward: reward, learner: learner, rng: &rng)
        let h = learner.holdout
        let mle = learner.generatorMeanNextObservations(observations: h.observations, actions: h.actions)
        let summary = Summary(snapshots: reward.snapshotCount, heldoutRows: h.observations.shape[0], rewardHeldoutReal: check.real,
                              rewardHeldoutCorrupted: check.corrupted,
                              rewardGeneratorMean: reward.rewards(observations: h.observations, actions: h.actions, candidates: mle).mean(),
                              updates: learner.step, rewardRange: reward.range)
        try AtomicFile.write(try Self.prettyJSON(summary), to: directory.appendingPathComponent("summary.json").path)
        return .finished(summary)
    }

    static func prettyJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}
