import Foundation
import RAVL
@_exported import OfflineTestSupport

/// Small datasets and configurations for the RAVL tests.
enum RAVLFixtures {
    /// A run small enough for a unit test: MBPO base, tiny networks, 100-step epochs.
    static func tinyConfiguration(dataset: String, steps: Int, critics: Int = 2) -> OfflineTrainingConfiguration {
        var c = OfflineConfigurations.tinyConfiguration(algorithm: "mbpo", dataset: dataset, steps: steps)
        c.checkpointInterval = 100
        c.sac.critics = critics
        c.rolloutHorizon = 3
        c.realRatio = 0.25
        c.dynamics.maxEpochs = 2
        return c
    }
}

/// The point mass's true dynamics and reward (`p' = p + 0.1·clip(a)`, `r = −‖p'‖`) as a model, so
/// trainer tests need no fitted ensemble.
final class PointMassModel: DynamicsModel {
    var observationDimension: Int { 2 }
    var actionDimension: Int { 2 }
    var eliteCount: Int { 1 }

    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let rows = observations.shape[0]
        let next = observations + actions.clamped(min: -1, max: 1) * 0.1
        let rewards = (0..<rows).map { b in -(next[b, 0] * next[b, 0] + next[b, 1] * next[b, 1]).squareRoot() }
        return ModelStep(nextObservations: next, rewards: Tensor(rewards), terminals: Tensor.zeros([rows]))
    }

    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        fatalError("not used")
    }
}
