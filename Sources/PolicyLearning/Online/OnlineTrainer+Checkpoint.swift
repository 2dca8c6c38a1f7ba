import Foundation
import HDF5

/// The trainer's counters and generator state, stored as JSON inside the checkpoint.
struct OnlineTrainerState: Codable {
    /// The run's settings tree, compared on resume by ``DefaultedSettings/changedSettings(since:)``:
    /// a setting added since the checkpoint was written counts as its default instead of making
    /// the state unreadable.
    var configuration: JSONValue
    var step: Int
    var episode: Int
    var nextCheckpoint: Int
    var rng: RandomGenerator
    var evaluationSteps: [Int]
    var evaluationResults: [EvaluationResult]
}

extension OnlineTrainer {
    /// Writes `checkpoint.h5` atomically: networks, optimizers and temperature (as ``Checkpoint``
    /// lays them out), then `replay/*` and `trainer/state` (JSON).
    func saveCheckpoint() throws {
        let state = OnlineTrainerState(configuration: configuration.settingsTree, step: step, episode: episode,
                                       nextCheckpoint: nextCheckpointStep, rng: generatorState,
                                       evaluationSteps: evaluations.map(\.step),
                                       evaluationResults: evaluations.map(\.result))
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try AtomicFile.produce(checkpointPath) { temporary in
            try Checkpoint.save(to: temporary, parts: agent.checkpointParts)
            let file = try HDF5File(path: temporary, mode: .readWrite)
            try writeReplay(to: file)
            try file.root.write(json, at: "trainer/state")
            try file.flush()
        }
    }

    /// Writes `replay.h5` atomically at the end of a run: the whole replay buffer as of the last
    /// step (`replay/*`, the checkpoint's layout). A checkpoint is only written at an episode
    /// boundary, so when the run ends mid-episode this is the only file holding every row, which
    /// the replay dataset kinds (full-replay) read.
    func saveFinalReplay() throws {
        try AtomicFile.produce(finalReplayPath) { temporary in
            let file = try HDF5File(path: temporary, mode: .create)
            try writeReplay(to: file)
            try file.flush()
        }
    }

    private func writeReplay(to file: HDF5File) throws {
        try buffer.save(to: file.root.createGroup("replay"))
        try file.root.write(timeouts.map { $0 ? UInt8(1) : 0 } + [0], at: "replay/timeouts_padded")
    }

    /// Loads everything ``saveCheckpoint()`` wrote.
    func restore() throws {
        let path = checkpointPath
        let file = try HDF5File(path: path)
        let state: OnlineTrainerState
        do {
            state = try JSONDecoder().decode(OnlineTrainerState.self,
                                             from: Data(try file.root.dataset("trainer/state").readString().utf8))
        } catch let error as HDF5Error {
            throw error
        } catch {
            throw TrainingError.checkpointMismatch(file: path, reason: "unreadable trainer state (\(error))")
        }
        let saved: OnlineTrainingConfiguration
        do { saved = try OnlineTrainingConfiguration.reading(state.configuration) } catch {
            throw TrainingError.checkpointMismatch(file: path, reason: "unreadable configuration (\(error))")
        }
        // A run may be extended: more steps, and a replay buffer grown to hold them (never shrunk).
        guard configuration.replayCapacity >= saved.replayCapacity else {
            throw TrainingError.checkpointMismatch(
                file: path, reason: "its replay capacity \(saved.replayCapacity) is larger than this configuration's \(configuration.replayCapacity)")
        }
        let changed = configuration.changedSettings(since: state.configuration).filter { $0 != "totalSteps" && $0 != "replayCapacity" }
        guard changed.isEmpty else {
            throw TrainingError.checkpointMismatch(
                file: path, reason: "it was made with a different configuration (changed: \(changed.joined(separator: ", "))); "
                    + "only the total step count and a larger replay capacity may change")
        }
        try Checkpoint.load(from: path, parts: agent.checkpointParts)
        try restoreBuffers(from: file)
        step = state.step
        episode = state.episode
        nextCheckpointStep = state.nextCheckpoint
        generatorState = state.rng
        evaluations = zip(state.evaluationSteps, state.evaluationResults).map { ($0, $1) }
    }
}
