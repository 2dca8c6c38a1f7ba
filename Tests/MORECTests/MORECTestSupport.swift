import Foundation
import MOREC

/// A reward that scores candidates by a fixed rule, for filter tests: r = 1.3 − |s'₀ − target|, clamped to the range.
final class RuleReward: DynamicsRewardFunction {
    let observationDimension: Int, actionDimension: Int
    var target: Float = 0
    init(observationDimension: Int = 2, actionDimension: Int = 1) {
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
    }
    var range: ClosedRange<Float> { DynamicsRewardCalibration.minimumReward...DynamicsRewardCalibration.maximumReward }
    func rewards(observations: Tensor, actions: Tensor, candidates: Tensor) -> Tensor {
        let o = observationDimension, rows = observations.shape[0], c = candidates.shape[0]
        let n = candidates.scalars
        return Tensor(shape: [c, rows], scalars: (0..<(c * rows)).map { i in
            Swift.min(Swift.max(1.3 - Swift.abs(n[i * o] - target), range.lowerBound), range.upperBound)
        })
    }
}

/// A model whose elite samples are given by the test: `[S, K, B, obs]`; its step returns zeros,
/// with the terminal flags `stepTerminals` (row by row, 0 past its end).
final class CandidateModel: DynamicsModel {
    let observationDimension = 2, actionDimension = 1
    var candidates: Tensor
    var stepTerminals: [Float] = []
    var eliteCount: Int { candidates.shape[1] }
    init(candidates: Tensor) { self.candidates = candidates }
    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let b = observations.shape[0]
        return ModelStep(nextObservations: Tensor.zeros([b, 2]), rewards: Tensor.zeros([b]),
                         terminals: Tensor((0..<b).map { $0 < stepTerminals.count ? stepTerminals[$0] : 0 }))
    }
    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        precondition(samples == candidates.shape[0])
        let s = candidates.shape[0], k = candidates.shape[1], full = candidates.shape[2], b = observations.shape[0]
        // The first b rows (a rollout continues with fewer rows).
        let all = candidates.scalars
        let candidates = Tensor(shape: [s, k, b, 2], scalars: (0..<(s * k)).flatMap { g in all[(g * full * 2)..<(g * full * 2 + b * 2)] })
        // Candidate rewards: 100·(sample·K + elite) + row, to check which one was taken.
        return EliteSamples(nextObservations: candidates,
                            rewards: Tensor(shape: [s, k, b], scalars: (0..<(s * k * b)).map { Float(100 * ($0 / b) + $0 % b) }))
    }
}

/// Linear dynamics with 3-D states, `s' = 0.9·s + 0.5·a·1 + ε`, for reward-learning tests.
enum LinearSystem {
    static func transitions(count: Int, seed: UInt64) -> (Tensor, Tensor, Tensor) {
        var rng = RandomGenerator(seed: seed)
        let s = Tensor.uniform([count, 3], low: -1, high: 1, rng: &rng)
        let a = Tensor.uniform([count, 2], low: -1, high: 1, rng: &rng)
        let drive = Tensor(shape: [count, 3]) { d in
            for r in 0..<count { d[r * 3] = a[r, 0]; d[r * 3 + 1] = a[r, 1]; d[r * 3 + 2] = a[r, 0] - a[r, 1] }
        }
        let next = s * 0.9 + drive * 0.5 + Tensor.normal([count, 3], std: 0.01, rng: &rng)
        return (s, a, next)
    }

    /// A tiny, fast learner configuration.
    static var configuration: AdversarialRewardConfiguration {
        var c = AdversarialRewardConfiguration()
        c.discriminatorHiddenSizes = [32, 32]
        c.generatorHiddenSizes = [32, 32]
        c.batchSize = 128
        c.warmupSteps = 300
        c.adversarialSteps = 900
        c.snapshotInterval = 100
        c.retainedSnapshots = 8
        c.thinning = 2
        c.calibrationRows = 512
        c.holdoutFraction = 0.2
        c.logInterval = 100
        c.checkpointInterval = 300
        c.discriminatorLearningRate = 1e-3
        return c
    }
}
