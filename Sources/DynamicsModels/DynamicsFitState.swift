import HDF5

/// Where an unfinished ``DynamicsEnsemble`` fit stands after a whole epoch: enough, with the
/// model's current weights and optimizer state, to continue it exactly as if it had never stopped.
///
/// The split, the scaler and the bootstrap indices are not stored: the fit redraws them from the
/// same generator and replays the per-epoch shuffles, which are its only other random draws.
/// Save one with ``DynamicsEnsemble/saveFitState(_:to:)`` from the fit's `checkpoint` callback and
/// pass it back as `resumingFrom:`.
public struct DynamicsFitState: Sendable, Equatable {
    /// Epochs finished.
    public var epoch: Int
    /// Epochs since a member last improved (early stopping counter).
    public var epochsSinceUpdate: Int
    /// Each member's best holdout MSE so far, `[E]` (1e10 before its first improvement).
    public var bestErrors: [Float]
    /// The best snapshot of every layer, input layer first: weights `[E, in, out]`, biases `[E, 1, out]`.
    public var snapshotWeights: [Tensor], snapshotBiases: [Tensor]
    /// Training rows of the split (a check that the same data is being fitted).
    public var trainCount: Int
    /// Seconds spent so far (the wall-time cap counts them).
    public var elapsedSeconds: Double
}

extension DynamicsEnsemble {
    /// The HDF5 group holding a fit's loop state beside the model part.
    static let fitStatePart = "fit"

    /// Writes the model (weights, scaler, bounds, optimizer state) and `state` to a new file at
    /// `path` (`/dynamics/...` as ``save(to:)``, plus `/fit/...`). Write it to a temporary path and
    /// rename it over the old one (as `PolicyLearning.AtomicFile` does) so a kill never leaves a torn file.
    /// - Throws: ``DynamicsModelError/checkpoint(file:problem:)``.
    public func saveFitState(_ state: DynamicsFitState, to path: String) throws(DynamicsModelError) {
        do {
            try Checkpoint.save(to: path, parts: [Self.checkpointPart: (network, optimizer)])
            let file = try HDF5File(path: path, mode: .readWrite)
            let group = try file.root.createGroup(Self.fitStatePart)
            try group.write([Int64(state.epoch), Int64(state.epochsSinceUpdate), Int64(state.trainCount)], at: "counters")
            try group.write(state.bestErrors, at: "bestErrors")
            try group.writeScalar(state.elapsedSeconds, at: "elapsedSeconds")
            for (l, (w, b)) in zip(state.snapshotWeights, state.snapshotBiases).enumerated() {
                try group.write(w, at: "snapshot.\(l).weight")
                try group.write(b, at: "snapshot.\(l).bias")
            }
            try file.flush()
        } catch let error as DynamicsModelError {
            throw error
        } catch {
            throw .checkpoint(file: path, problem: "\(error)")
        }
    }

    /// Loads a file written by ``saveFitState(_:to:)``: the model and optimizer into this ensemble
    /// (built with the same configuration), and returns the loop state to pass to `fit(resumingFrom:)`.
    /// - Throws: ``DynamicsModelError/checkpoint(file:problem:)`` naming what is missing or mismatched.
    public func loadFitState(from path: String) throws(DynamicsModelError) -> DynamicsFitState {
        do {
            try Checkpoint.load(from: path, parts: [Self.checkpointPart: (network, optimizer)])
            let file = try HDF5File(path: path)
            guard file.root.contains(Self.fitStatePart) else {
                throw DynamicsModelError.checkpoint(file: path, problem: "no /\(Self.fitStatePart) group: not a fit in progress")
            }
            let group = try file.root.group(Self.fitStatePart)
            let counters = try group.dataset("counters").read(Int64.self)
            let best = try group.dataset("bestErrors").read(Float.self)
            guard counters.count == 3, best.count == configuration.members else {
                throw DynamicsModelError.checkpoint(file: path, problem: "fit counters \(counters) or \(best.count) best errors do not fit \(configuration.members) members")
            }
            var weights = [Tensor](), biases = [Tensor]()
            for (l, layer) in network.linearLayers.enumerated() {
                let w = try group.dataset("snapshot.\(l).weight").readTensor()
                let b = try group.dataset("snapshot.\(l).bias").readTensor()
                guard w.shape == layer.weight.shape, b.shape == layer.bias.shape else {
                    throw DynamicsModelError.checkpoint(file: path, problem: "snapshot of layer \(l) has shapes \(w.shape), \(b.shape); the model has \(layer.weight.shape), \(layer.bias.shape)")
                }
                weights.append(w)
                biases.append(b)
            }
            parametersDidChange()
            return DynamicsFitState(epoch: Int(counters[0]), epochsSinceUpdate: Int(counters[1]), bestErrors: best,
                                    snapshotWeights: weights, snapshotBiases: biases, trainCount: Int(counters[2]),
                                    elapsedSeconds: try group.dataset("elapsedSeconds").readScalar(Double.self))
        } catch let error as DynamicsModelError {
            throw error
        } catch {
            throw .checkpoint(file: path, problem: "\(error)")
        }
    }
}
