import Foundation
import HDF5

/// The dynamics reward as the official code ships it (`polixir/morec`
/// `models/discriminator_ensemble_loader.py`; <doc:RewardConsistentDynamics>): K discriminator
/// snapshots taken during adversarial training, each with its calibration constants, averaged
/// in probability.
///
/// ```
/// u = [s̃, ã, s̃' − s̃]                      (``DynamicsRewardFeatures``)
/// ℓ_k = f_k(u)                              K ReLU MLPs, evaluated as one batched op per layer
/// r = −log(1 − mean_k sigmoid(ℓ̃_k))        (``DynamicsRewardCalibration``), in [0.3133, 1.3133]
/// ```
/// Saved with the library's ``NeuralNetworks/Checkpoint`` layout (`reward/parameters/...`) plus
/// `morec/description` (JSON: widths, hidden sizes, snapshot count, feature bounds, provenance).
///
/// ```swift
/// let reward = try DynamicsRewardEnsemble.load(from: "runs/morec-reward/halfcheetah-medium-orl/reward.h5")
/// let r = reward.rewards(observations: s, actions: a, candidates: next)   // [C, B]
/// ```
public final class DynamicsRewardEnsemble: Module, DynamicsRewardFunction {
    /// The K snapshot networks, `u → ℓ`, `[K, N, 1]` out.
    public let network: MLP
    /// E_k, the mean logit on data when snapshot k was taken, `[K]`.
    public let expertLogits: Variable
    /// L_k, the mean logit on generator samples when snapshot k was taken, `[K]`.
    public let learnerLogits: Variable
    /// How u is built.
    public let features: DynamicsRewardFeatures
    /// Hidden widths of each snapshot network.
    public let hiddenSizes: [Int]
    /// Free-form provenance (dataset, learner iteration) written with the file.
    public var provenance: [String: String]

    /// An ensemble of `snapshots` networks with zero constants (filled by a learner or a file).
    public init(features: DynamicsRewardFeatures, hiddenSizes: [Int], snapshots: Int, provenance: [String: String] = [:]) {
        precondition(snapshots > 0 && !hiddenSizes.isEmpty, "DynamicsRewardEnsemble: need snapshots > 0 and hidden sizes, got \(snapshots), \(hiddenSizes)")
        var rng = RandomGenerator(seed: 0)
        network = MLP([features.width] + hiddenSizes + [1], activation: .relu, members: snapshots, rng: &rng)
        network.freeze()
        expertLogits = Variable(Tensor.zeros([snapshots]))
        learnerLogits = Variable(Tensor.zeros([snapshots]))
        self.features = features
        self.hiddenSizes = hiddenSizes
        self.provenance = provenance
    }

    /// An ensemble from snapshot parameter values (each keyed like an `MLP(members: 1)`'s) and constants.
    public convenience init(features: DynamicsRewardFeatures, hiddenSizes: [Int], snapshots: [DiscriminatorSnapshot],
                            provenance: [String: String] = [:]) {
        self.init(features: features, hiddenSizes: hiddenSizes, snapshots: snapshots.count, provenance: provenance)
        var values = [String: Tensor]()
        for p in network.namedParameters() {
            values["network." + p.name] = Tensor.concatenate(snapshots.map { $0.parameters[p.name]! }, axis: 0)
        }
        values["expertLogits"] = Tensor(snapshots.map(\.expertLogit))
        values["learnerLogits"] = Tensor(snapshots.map(\.learnerLogit))
        update(parameters: values)
    }

    /// K.
    public var snapshotCount: Int { expertLogits.shape[0] }
    public var observationDimension: Int { features.observationDimension }
    public var actionDimension: Int { features.actionDimension }
    public var range: ClosedRange<Float> { DynamicsRewardCalibration.minimumReward...DynamicsRewardCalibration.maximumReward }

    /// Rows of u evaluated at once: keeps each `[K, rows, hidden]` activation small enough for
    /// the cache instead of allocating (and page-faulting) tens of megabytes per rollout chunk.
    public var evaluationBlockRows = 2_048

    /// Raw logits of every snapshot on features `u` (`[N, width]`): `[K, N]`.
    public func logits(features u: Tensor) -> Tensor {
        let n = u.shape[0], k = snapshotCount
        var result = Tensor(uninitializedShape: [k, n])
        let weights = network.layers.map { ($0 as! EnsembleLinear).weight.value }
        let biases = network.layers.map { ($0 as! EnsembleLinear).bias.value }
        var start = 0
        while start < n {
            let end = Swift.min(start + evaluationBlockRows, n)
            let block = Self.forward(start == 0 && end == n ? u : u.slice(start..<end, axis: 0), weights: weights, biases: biases)
            let rows = end - start
            block.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { r in
                    for s in 0..<k { (r.baseAddress! + s * n + start).update(from: b.baseAddress! + s * rows, count: rows) }
                }
            }
            start = end
        }
        return result
    }

    /// Tape-free forward of every snapshot on shared rows `x` (`[B, in]`): bias first, then the
    /// product accumulates onto it, ReLU in place. Returns `[K, B]`.
    static func forward(_ x: Tensor, weights: [Tensor], biases: [Tensor]) -> Tensor {
        let rows = x.shape[0], k = weights[0].shape[0]
        var h = x
        for l in weights.indices {
            let out = weights[l].shape[2]
            var y = Tensor(uninitializedShape: [k, rows, out])
            biases[l].withUnsafeBufferPointer { b in
                y.withUnsafeMutableBufferPointer { o in
                    for s in 0..<k { for r in 0..<rows { (o.baseAddress! + (s * rows + r) * out).update(from: b.baseAddress! + s * out, count: out) } }
                }
            }
            Tensor.parallelGemm(h, weights[l], into: &y, alpha: 1, beta: 1)
            if l < weights.count - 1 {
                y.withUnsafeMutableBufferPointer { o in for i in 0..<o.count { o[i] = Swift.max(o[i], 0) } }   // branch-free: vectorizes
            }
            h = y
        }
        return h.reshaped([k, rows])
    }

    public func rewards(observations: Tensor, actions: Tensor, candidates: Tensor) -> Tensor {
        let rows = observations.shape[0]
        let u = features.features(observations: observations, actions: actions, candidates: candidates)
        let r = DynamicsRewardCalibration.rewards(logits: logits(features: u), expert: expertLogits.value.scalars,
                                                  learner: learnerLogits.value.scalars)
        return candidates.rank == 3 ? r.reshaped([candidates.shape[0], rows]) : r
    }

    // MARK: - Files

    struct Description: Codable {
        var format = "morec-dynamics-reward-v1"
        var features: DynamicsRewardFeatures
        var hiddenSizes: [Int]
        var snapshots: Int
        var provenance: [String: String]
    }

    /// Writes the ensemble to a new HDF5 file at `path` (use ``PolicyLearning/AtomicFile`` for atomic replacement).
    public func save(to path: String) throws {
        try Checkpoint.save(to: path, parts: ["reward": (self, nil)])
        let file = try HDF5File(path: path, mode: .readWrite)
        let description = Description(features: features, hiddenSizes: hiddenSizes, snapshots: snapshotCount, provenance: provenance)
        try file.root.write(String(decoding: try JSONEncoder().encode(description), as: UTF8.self), at: "morec/description")
        try file.flush()
    }

    /// Reads a file written by ``save(to:)``.
    /// - Throws: ``MORECError/missingRewardFile(path:hint:)`` when absent, ``MORECError/fileMismatch(file:reason:)``
    ///   when it is not a dynamics-reward file, checkpoint errors for missing or misshapen tensors.
    public static func load(from path: String) throws -> DynamicsRewardEnsemble {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MORECError.missingRewardFile(path: path, hint: "Learn one with `orl morec learn-reward --dataset NAME --out DIR` (it writes DIR/reward.h5).")
        }
        let file = try HDF5File(path: path)
        guard file.root.contains("morec/description") else {
            throw MORECError.fileMismatch(file: path, reason: "it holds no morec/description; is it a reward.h5 from `orl morec learn-reward`?")
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: Data(try file.root.dataset("morec/description").readString().utf8))
        } catch {
            throw MORECError.fileMismatch(file: path, reason: "unreadable morec/description (\(error))")
        }
        guard description.snapshots > 0, !description.hiddenSizes.isEmpty else {
            throw MORECError.fileMismatch(file: path, reason: "it describes \(description.snapshots) snapshots of hidden sizes \(description.hiddenSizes)")
        }
        let ensemble = DynamicsRewardEnsemble(features: description.features, hiddenSizes: description.hiddenSizes,
                                              snapshots: description.snapshots, provenance: description.provenance)
        try Checkpoint.load(from: path, parts: ["reward": (ensemble, nil)])
        return ensemble
    }
}

/// One discriminator snapshot: its parameters (keyed like an `MLP(members: 1)`) and the
/// calibration constants measured when it was taken (<doc:RewardConsistentDynamics>).
public struct DiscriminatorSnapshot: Sendable {
    /// Parameter values, `[1, in, out]` weights and `[1, 1, out]` biases.
    public var parameters: [String: Tensor]
    /// E_k: mean logit on a data batch.
    public var expertLogit: Float
    /// L_k: mean logit on a generator batch.
    public var learnerLogit: Float
    /// The adversarial step it was taken at.
    public var step: Int

    /// Creates a snapshot.
    public init(parameters: [String: Tensor], expertLogit: Float, learnerLogit: Float, step: Int) {
        self.parameters = parameters
        self.expertLogit = expertLogit
        self.learnerLogit = learnerLogit
        self.step = step
    }
}
