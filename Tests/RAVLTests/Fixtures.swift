import Foundation
import RAVL

/// Small datasets and configurations for the RAVL tests.
enum RAVLFixtures {
    /// `episodes` episodes of `steps` uniformly random actions in task `environment`, written in
    /// D4RL layout with `metadata/environment`.
    static func writeRandomDataset(environment: String, to path: String, episodes: Int, steps: Int, seed: UInt64 = 11) throws {
        var env = try makeEnvironment(named: environment, maxEpisodeSteps: steps)
        let o = env.observationSpec.dimension, a = env.actionSpec.dimension
        var rng = RandomGenerator(seed: seed)
        var observation = [Float](repeating: 0, count: o), next = observation
        var s = [Float](), u = [Float](), r = [Float](), s2 = [Float](), terminals = [Bool](), timeouts = [Bool]()
        for episode in 0..<episodes {
            env.reset(seed: seed &+ UInt64(episode), into: &observation)
            while true {
                let action = (0..<a).map { _ in rng.uniform(-1, 1) }
                let outcome = env.step(action, into: &next)
                s += observation; u += action; r.append(Float(outcome.reward)); s2 += next
                terminals.append(outcome.terminated)
                timeouts.append(outcome.truncated && !outcome.terminated)
                observation = next
                if outcome.terminated || outcome.truncated { break }
            }
        }
        let n = r.count
        let dataset = try OfflineDataset(source: "\(environment) random test data", observations: Tensor(shape: [n, o], scalars: s),
                                         actions: Tensor(shape: [n, a], scalars: u), rewards: Tensor(r), terminals: terminals,
                                         timeouts: timeouts, nextObservations: Tensor(shape: [n, o], scalars: s2))
        try D4RLFile.write(dataset, to: path, metadata: ["environment": environment])
    }

    /// A run small enough for a unit test: MBPO base, tiny networks, 100-step epochs.
    static func tinyConfiguration(dataset: String, steps: Int, critics: Int = 2) -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: .mbpo, dataset: dataset, preset: .short)
        c.preset = "test"
        c.seed = 5
        c.totalSteps = steps
        c.stepsPerEpoch = 100
        c.rolloutInterval = 100
        c.rolloutBatchSize = 100
        c.modelRetainEpochs = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 100
        c.evaluationEpisodes = 2
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [32, 32]
        c.sac.batchSize = 64
        c.sac.critics = critics
        c.mbpo.rolloutHorizon = 3
        c.mbpo.realRatio = 0.25
        c.dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [32, 32], members: 3, elites: 2,
                                                   weightDecays: [2.5e-5, 5e-5, 1e-4], maxEpochs: 2)
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
