import Foundation
import HDF5

/// The trainer's counters and generator state, stored as JSON inside the checkpoint. The
/// configuration is kept as its complete settings tree, which a resumed run compares with its own.
/// Nothing here depends on the clock, so identical runs write identical checkpoints; wall time
/// lives in `timing.json` (``OfflineTrainer/timingPath``).
struct OfflineTrainerState: Codable {
    var configuration: JSONValue
    var step: Int
    var rng: RandomGenerator
    var evaluations: [OfflineEvaluation]
    var lastRollout: RolloutStatistics?
    /// The metrics summed since the last evaluation, for a checkpoint between evaluations (a stop
    /// request); absent at an evaluation, where none are pending, and in older checkpoints.
    var pendingMetrics: [String: MetricWindow]?
}

/// A metric's sum and count since the last evaluation.
struct MetricWindow: Codable, Equatable {
    var sum: Double
    var count: Int
}

/// What a checkpoint or final agent file says about the run it came from (`trainer/description`).
public struct OfflineAgentDescription: Codable, Sendable {
    /// The run's configuration as saved (its complete settings tree); read it with ``configuration()``.
    public var configurationTree: JSONValue
    /// The task evaluated on.
    public var environment: String
    /// The registered dataset whose reference returns normalize scores, if any.
    public var scoreDataset: String?
    /// Observation and action widths.
    public var observationDimension: Int, actionDimension: Int
    /// SAC updates done.
    public var step: Int

    /// Creates a description.
    public init(configuration: OfflineTrainingConfiguration, environment: String, scoreDataset: String?,
                observationDimension: Int, actionDimension: Int, step: Int) {
        self.configurationTree = configuration.settingsTree
        self.environment = environment
        self.scoreDataset = scoreDataset
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.step = step
    }

    /// The run's configuration, read tolerantly (``DefaultedSettings/reading(_:)``) so agents saved
    /// by earlier versions load: keys added since take today's defaults, retired keys are ignored.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` for a value of the wrong type.
    public func configuration() throws(OfflineTrainingError) -> OfflineTrainingConfiguration {
        do { return try OfflineTrainingConfiguration.reading(configurationTree) } catch {
            throw .invalidConfiguration("the saved configuration: \(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case configurationTree = "configuration", environment, scoreDataset, observationDimension, actionDimension, step
    }
}

extension OfflineTrainer {
    /// The parts a checkpoint stores: the learner's, then each plug-in's ``OfflinePlugIn/checkpointParts``.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` when two of them use one name.
    func checkpointParts() throws(OfflineTrainingError) -> [String: Checkpoint.Part] {
        var parts = learner.checkpointParts
        for plugIn in plugIns {
            for (name, part) in plugIn.checkpointParts {
                guard parts[name] == nil else {
                    throw .invalidConfiguration("plug-in \(type(of: plugIn)) stores a checkpoint part named '\(name)', which another part already uses")
                }
                parts[name] = part
            }
        }
        return parts
    }

    /// Writes `checkpoint.h5` atomically: networks, optimizers and temperature (as ``Checkpoint``
    /// lays them out, with the plug-ins' parts), `model_buffer/*`, `trainer/state` (JSON) and
    /// `trainer/description`. The fitted model lives in `dynamics.h5`, written once (a plug-in
    /// that trains it stores its parameters as a part); the real buffer is the dataset.
    func saveCheckpoint(wallSeconds: Double) throws {
        let state = OfflineTrainerState(configuration: configuration.settingsTree, step: step, rng: rng, evaluations: evaluations,
                                        lastRollout: lastRollout,
                                        pendingMetrics: pendingMetrics.isEmpty ? nil : pendingMetrics.mapValues { MetricWindow(sum: $0.sum, count: $0.count) })
        let json = String(decoding: try Self.canonicalJSON(state), as: UTF8.self)
        let parts = try checkpointParts()
        try AtomicFile.produce(checkpointPath) { temporary in
            try Checkpoint.save(to: temporary, parts: parts)
            try Self.writeDescription(of: self, into: temporary)
            let file = try HDF5File(path: temporary, mode: .readWrite)
            try modelBuffer.save(to: file.root.createGroup("model_buffer"))
            try file.root.write(json, at: "trainer/state")
            try file.flush()
        }
        try recordTiming(["wall_seconds_at_checkpoint": wallSeconds, "checkpoint_step": Double(step)])
    }

    /// Adds `trainer/description` (JSON) to an agent file.
    static func writeDescription(of trainer: OfflineTrainer, into path: String) throws {
        let description = OfflineAgentDescription(
            configuration: trainer.configuration, environment: trainer.environmentName,
            scoreDataset: trainer.datasetEntry?.name, observationDimension: trainer.realBuffer.observationDimension,
            actionDimension: trainer.realBuffer.actionDimension, step: trainer.step)
        let file = try HDF5File(path: path, mode: .readWrite)
        try file.root.write(String(decoding: try canonicalJSON(description), as: UTF8.self), at: "trainer/description")
        try file.flush()
    }

    /// Loads everything ``saveCheckpoint(wallSeconds:)`` wrote.
    func restore() throws {
        let path = checkpointPath
        let file = try HDF5File(path: path)
        let state: OfflineTrainerState
        do {
            state = try JSONDecoder().decode(OfflineTrainerState.self,
                                             from: Data(try file.root.dataset("trainer/state").readString().utf8))
        } catch let error as HDF5Error {
            throw error
        } catch {
            throw OfflineTrainingError.checkpointMismatch(file: path, reason: "unreadable trainer state (\(error))")
        }
        let changed = Self.changedSettings(saved: state.configuration, current: configuration)
        guard changed.isEmpty else {
            throw OfflineTrainingError.checkpointMismatch(
                file: path, reason: "it was made with a different configuration (changed: \(changed.joined(separator: ", "))); "
                    + "only the total step count may change")
        }
        try Checkpoint.load(from: path, parts: try checkpointParts())
        for plugIn in plugIns { try plugIn.didRestoreCheckpoint(trainer: self) }
        modelBuffer = try ReplayBuffer(restoringFrom: file.root.group("model_buffer"))
        step = state.step
        rng = state.rng
        evaluations = state.evaluations
        lastRollout = state.lastRollout
        pendingMetrics = (state.pendingMetrics ?? [:]).mapValues { ($0.sum, $0.count) }
        let timing = Self.readTiming(timingPath)
        wallSecondsBefore = timing["checkpoint_step"] == Double(state.step) ? timing["wall_seconds_at_checkpoint"] ?? 0 : 0
    }

    /// Clock readings of the run (`timing.json`): the dynamics fit's seconds and the wall time at the
    /// last checkpoint. Kept apart from the checkpoint and the model so that those are identical for
    /// identical runs.
    public var timingPath: String { directory.appendingPathComponent("timing.json").path }

    /// Merges `values` into `timing.json` (atomically).
    func recordTiming(_ values: [String: Double]) throws {
        var timing = Self.readTiming(timingPath)
        timing.merge(values) { _, new in new }
        try AtomicFile.write(try Self.prettyJSON(timing), to: timingPath)
    }

    static func readTiming(_ path: String) -> [String: Double] {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode([String: Double].self, from: $0) } ?? [:]
    }

    /// Compact JSON with sorted keys: the same value always gives the same bytes.
    static func canonicalJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    /// The settings in which `current` differs from the `saved` configuration tree, as dotted paths
    /// (`totalSteps` excepted: a finished run may be extended). A key `saved` lacks counts as its
    /// default, so a run begun before a setting was added resumes unless that setting is changed.
    public static func changedSettings(saved: JSONValue, current: OfflineTrainingConfiguration) -> [String] {
        current.changedSettings(since: saved).filter { $0 != "totalSteps" }
    }

    /// The SAC agent stored in a `final.h5` or `checkpoint.h5` of an offline run, with its description.
    /// - Throws: ``OfflineTrainingError/checkpointMismatch(file:reason:)`` for a file without
    ///   `trainer/description` or whose learner is not SAC; HDF5 and checkpoint errors.
    public static func loadAgent(from path: String) throws -> (agent: SACAgent, description: OfflineAgentDescription) {
        let (learner, description) = try loadLearner(from: path, registry: .base)
        guard let agent = learner as? SACAgent else {
            throw OfflineTrainingError.checkpointMismatch(file: path, reason: "its learner is \(type(of: learner)), not SAC")
        }
        return (agent, description)
    }

    /// The learner stored in a `final.h5` or `checkpoint.h5` of an offline run, with its
    /// description: a ``SACAgent``, or the agent of the ``OfflineAgentFactory`` its configuration
    /// names (which `registry` must know, else the file's parts do not match a SAC agent's).
    /// - Throws: ``OfflineTrainingError/checkpointMismatch(file:reason:)`` for a file without
    ///   `trainer/description`; HDF5 and checkpoint errors.
    public static func loadLearner(from path: String, registry: OfflineAlgorithmRegistry) throws
        -> (agent: any OfflineAgent, description: OfflineAgentDescription) {
        let file = try HDF5File(path: path)
        guard file.root.contains("trainer/description") else {
            throw OfflineTrainingError.checkpointMismatch(file: path, reason: "it holds no trainer/description; is it an `orl train` checkpoint or final.h5?")
        }
        let description: OfflineAgentDescription
        do {
            description = try JSONDecoder().decode(OfflineAgentDescription.self,
                                                   from: Data(try file.root.dataset("trainer/description").readString().utf8))
        } catch let error as HDF5Error {
            throw error
        } catch {
            throw OfflineTrainingError.checkpointMismatch(file: path, reason: "unreadable trainer/description (\(error))")
        }
        var rng = RandomGenerator(seed: 0)
        let context = OfflineAgentContext(observationDimension: description.observationDimension, actionDimension: description.actionDimension)
        let agent = try registry.makeAgent(for: try description.configuration(), context: context, rng: &rng)
        try Checkpoint.load(from: path, parts: agent.checkpointParts)
        return (agent, description)
    }
}
