import Foundation
import HDF5

/// The learner's counters and generator state, stored as JSON inside its checkpoint.
struct AdversarialLearnerState: Codable {
    var configuration: AdversarialRewardConfiguration
    var features: DynamicsRewardFeatures
    var step: Int
    var rng: RandomGenerator
    var targetEntropy: Float?
    var snapshotConstants: [[Float]]      // [E_k, L_k]
    var snapshotSteps: [Int]
    var provenance: [String: String]
    /// Metric sums and counts since the last log row, so a resumed log equals an uninterrupted one.
    var pendingSums: [String: Double]?
    var pendingCounts: [String: Int]?
}

extension AdversarialDynamicsRewardLearner {
    /// Writes everything needed to resume (networks, Adam states, α, snapshots, RNG, counters)
    /// to a new HDF5 file at `path`; wrap it in ``PolicyLearning/AtomicFile/produce(_:_:)`` to replace a checkpoint atomically.
    public func saveCheckpoint(to path: String) throws {
        try Checkpoint.save(to: path, parts: ["generator": (generator, generatorOptimizer),
                                              "discriminator": (discriminator, discriminatorOptimizer),
                                              "temperature": (temperature, temperatureOptimizer)])
        let file = try HDF5File(path: path, mode: .readWrite)
        let state = AdversarialLearnerState(configuration: configuration, features: features, step: step, rng: rng,
                                            targetEntropy: targetEntropy,
                                            snapshotConstants: snapshots.map { [$0.expertLogit, $0.learnerLogit] },
                                            snapshotSteps: snapshots.map(\.step), provenance: provenance,
                                            pendingSums: pending.mapValues(\.sum), pendingCounts: pending.mapValues(\.count))
        try file.root.write(String(decoding: try JSONEncoder().encode(state), as: UTF8.self), at: "morec/learner_state")
        for (i, snapshot) in snapshots.enumerated() {
            for key in snapshot.parameters.keys.sorted() { try file.root.write(snapshot.parameters[key]!, at: "snapshots/\(i)/\(key)") }
        }
        try file.flush()
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:)`` into this freshly made learner.
    /// - Throws: ``MORECError/fileMismatch(file:reason:)`` when it was made with other settings or data.
    public func restoreCheckpoint(from path: String) throws {
        let file = try HDF5File(path: path)
        guard file.root.contains("morec/learner_state") else {
            throw MORECError.fileMismatch(file: path, reason: "it holds no morec/learner_state; is it a learner.h5 from `orl morec learn-reward`?")
        }
        let state: AdversarialLearnerState
        do {
            state = try JSONDecoder().decode(AdversarialLearnerState.self, from: Data(try file.root.dataset("morec/learner_state").readString().utf8))
        } catch {
            throw MORECError.fileMismatch(file: path, reason: "unreadable learner state (\(error))")
        }
        var saved = state.configuration, current = configuration
        saved.adversarialSteps = 0
        current.adversarialSteps = 0
        guard saved == current else {
            throw MORECError.fileMismatch(file: path, reason: "it was made with different settings (only adversarialSteps may change)")
        }
        guard state.features == features else {
            throw MORECError.fileMismatch(file: path, reason: "it was made on different data (feature bounds differ)")
        }
        try Checkpoint.load(from: path, parts: ["generator": (generator, generatorOptimizer),
                                                "discriminator": (discriminator, discriminatorOptimizer),
                                                "temperature": (temperature, temperatureOptimizer)])
        var restored = [DiscriminatorSnapshot]()
        let names = discriminator.namedParameters().map(\.name)
        for (i, constants) in state.snapshotConstants.enumerated() {
            var parameters = [String: Tensor]()
            for name in names { parameters[name] = try file.root.dataset("snapshots/\(i)/\(name)").readTensor() }
            restored.append(DiscriminatorSnapshot(parameters: parameters, expertLogit: constants[0], learnerLogit: constants[1],
                                                  step: state.snapshotSteps[i]))
        }
        snapshots = restored
        step = state.step
        rng = state.rng
        targetEntropy = state.targetEntropy
        provenance = state.provenance
        pending = [:]
        for (key, sum) in state.pendingSums ?? [:] { pending[key] = (sum, state.pendingCounts?[key] ?? 1) }
        if step > configuration.warmupSteps { generatorOptimizer.learningRate = configuration.adversarialGeneratorLearningRate }
    }
}
