import Foundation
import Testing
import TestSupport
import MOREC

@Suite("Dynamics reward: range, calibration, files")
struct DynamicsRewardTests {
    /// r = −log(1 − mean sigmoid(ℓ̃)) with ℓ̃ ∈ [−1, 1] lies in [0.3133, 1.3133] (the official loader),
    /// whatever the logits and constants, and reaches both ends.
    @Test func rewardLiesInItsTheoreticalRange() throws {
        #expect(abs(DynamicsRewardCalibration.minimumReward - 0.31326) < 1e-4)
        #expect(abs(DynamicsRewardCalibration.maximumReward - 1.31326) < 1e-4)
        #expect(abs(DynamicsRewardCalibration.meanProbability(reward: 0.6) - 0.4512) < 1e-4)
        var rng = RandomGenerator(seed: 3)
        let features = try DynamicsRewardFeatures(observationLow: [-1, -1], observationHigh: [1, 1], actionLow: [-1], actionHigh: [1])
        let ensemble = DynamicsRewardEnsemble(features: features, hiddenSizes: [16], snapshots: 4)
        var values = ensemble.parameterValues()
        for (k, v) in values { values[k] = Tensor.normal(v.shape, std: 3, rng: &rng) }
        values["expertLogits"] = Tensor([1, 0.5, -2, 3])
        values["learnerLogits"] = Tensor([-1, 0.5, 2, -3])     // snapshots 1 and 2 have E ≤ L
        ensemble.update(parameters: values)
        let s = Tensor.normal([200, 2], std: 10, rng: &rng), a = Tensor.normal([200, 1], std: 10, rng: &rng)
        let r = ensemble.rewards(observations: s, actions: a, candidates: Tensor.normal([3, 200, 2], std: 10, rng: &rng))
        #expect(r.shape == [3, 200])
        let range = ensemble.range
        #expect(r.scalars.allSatisfy { range.contains($0) }, "min \(r.min()) max \(r.max())")
        // Both ends: every snapshot calibrated to −1 or to +1.
        let low = DynamicsRewardCalibration.rewards(logits: Tensor(shape: [2, 1], scalars: [-50, -50]), expert: [1, 2], learner: [0, 0])
        let high = DynamicsRewardCalibration.rewards(logits: Tensor(shape: [2, 1], scalars: [50, 50]), expert: [1, 2], learner: [0, 0])
        #expect(abs(low.scalars[0] - range.lowerBound) < 1e-5)
        #expect(abs(high.scalars[0] - range.upperBound) < 1e-5)
        // Calibration: L ↦ −1, E ↦ +1, midpoint ↦ 0, clamped outside.
        #expect(abs(DynamicsRewardCalibration.calibratedLogit(0.5, expert: 1, learner: 0) - 0) < 1e-5)
        #expect(abs(DynamicsRewardCalibration.calibratedLogit(7, expert: 1, learner: 0) - 1) < 1e-5)
        #expect(abs(DynamicsRewardCalibration.calibratedLogit(-7, expert: 1, learner: 0) + 1) < 1e-5)
    }

    /// Features: s̃ ∈ [−0.8, 0.8] and ã ∈ [−1, 1] over the data, then s̃' − s̃.
    @Test func featuresScaleAsTheOfficialLoader() throws {
        let f = try DynamicsRewardFeatures(observations: Tensor([[0, 10], [2, 30]]), actions: Tensor([[-2], [2]]))
        let u = f.features(observations: Tensor([[1, 30]]), actions: Tensor([[2]]), candidates: Tensor([[2, 20]]))
        #expect(isClose(u, Tensor([[0, 0.8, 1, 0.8, -0.8]]), atol: 1e-5), "\(u)")
        #expect(throws: MORECError.self) { _ = try DynamicsRewardFeatures(observations: Tensor.zeros([0, 2]), actions: Tensor.zeros([0, 1])) }
    }

    /// Save → load gives the same rewards; a missing or foreign file is a clear error.
    @Test func saveLoadRoundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 5)
        let features = try DynamicsRewardFeatures(observationLow: [-1, 0], observationHigh: [1, 2], actionLow: [-1], actionHigh: [1])
        let snapshots = (0..<3).map { k -> DiscriminatorSnapshot in
            let net = MLP([5, 8, 1], activation: .relu, members: 1, rng: &rng)
            return DiscriminatorSnapshot(parameters: net.parameterValues(), expertLogit: Float(k) + 1, learnerLogit: -Float(k), step: k)
        }
        let ensemble = DynamicsRewardEnsemble(features: features, hiddenSizes: [8], snapshots: snapshots, provenance: ["dataset": "test"])
        let path = dir.path("reward.h5")
        try ensemble.save(to: path)
        let loaded = try DynamicsRewardEnsemble.load(from: path)
        let s = Tensor.normal([10, 2], rng: &rng), a = Tensor.normal([10, 1], rng: &rng), c = Tensor.normal([4, 10, 2], rng: &rng)
        #expect(loaded.rewards(observations: s, actions: a, candidates: c) == ensemble.rewards(observations: s, actions: a, candidates: c))
        #expect(loaded.snapshotCount == 3 && loaded.provenance["dataset"] == "test" && loaded.features == features)
        #expect(throws: MORECError.self) { _ = try DynamicsRewardEnsemble.load(from: dir.path("absent.h5")) }
        do {
            _ = try DynamicsRewardEnsemble.load(from: dir.path("absent.h5"))
        } catch {
            #expect("\(error)".contains("orl morec learn-reward"))
        }
        try Checkpoint.save(MLP([2, 1], activation: .relu, rng: &rng), to: dir.path("other.h5"))
        #expect(throws: MORECError.self) { _ = try DynamicsRewardEnsemble.load(from: dir.path("other.h5")) }
    }
}
