import Foundation
import PolicyLearning

/// Small datasets and configurations for the offline-trainer tests.
enum OfflineFixtures {
    /// A point-mass dataset of `episodes` 20-step episodes with uniformly random actions, written
    /// in D4RL layout to `path` with `metadata/environment = pointmass`.
    static func writePointMassDataset(to path: String, episodes: Int = 30, seed: UInt64 = 11) throws {
        var env = try makeEnvironment(named: "pointmass", maxEpisodeSteps: 20)
        var rng = RandomGenerator(seed: seed)
        var observation = [Float](repeating: 0, count: 2), next = observation
        var s = [Float](), a = [Float](), r = [Float](), s2 = [Float](), terminals = [Bool](), timeouts = [Bool]()
        for episode in 0..<episodes {
            env.reset(seed: seed &+ UInt64(episode), into: &observation)
            while true {
                let action = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
                let outcome = env.step(action, into: &next)
                s += observation; a += action; r.append(Float(outcome.reward)); s2 += next
                terminals.append(outcome.terminated)
                timeouts.append(outcome.truncated && !outcome.terminated)
                observation = next
                if outcome.terminated || outcome.truncated { break }
            }
        }
        let n = r.count
        let dataset = try OfflineDataset(source: "pointmass test data", observations: Tensor(shape: [n, 2], scalars: s),
                                         actions: Tensor(shape: [n, 2], scalars: a), rewards: Tensor(r), terminals: terminals,
                                         timeouts: timeouts, nextObservations: Tensor(shape: [n, 2], scalars: s2))
        try D4RLFile.write(dataset, to: path, metadata: ["environment": "pointmass"])
    }

    /// A run small enough for a unit test: tiny networks, 3-member model, 100-step epochs.
    static func tinyConfiguration(algorithm: OfflineAlgorithm, dataset: String, steps: Int) -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: algorithm, dataset: dataset, preset: .short)
        c.preset = "test"
        c.seed = 5
        c.totalSteps = steps
        c.stepsPerEpoch = 100
        c.rolloutInterval = 100
        c.rolloutBatchSize = 100
        c.modelRetainEpochs = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 200
        c.evaluationEpisodes = 2
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [32, 32]
        c.sac.batchSize = 64
        c.dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [32, 32], members: 3, elites: 2,
                                                   weightDecays: [2.5e-5, 5e-5, 1e-4], maxEpochs: 3)
        c.mopo.rolloutHorizon = 3
        c.mopo.penaltyCoefficient = 1
        c.mobile.rolloutHorizon = 2
        c.mobile.samples = 3
        return c
    }
}

/// A two-dimensional stand-in model with known outputs: s' = s + a·1, reward and member
/// standard deviations fixed by the test, terminal where `done` says.
final class StubModel: DynamicsModel {
    let observationDimension = 2
    let actionDimension = 1
    var eliteCount: Int { eliteNextObservations?.shape[1] ?? 1 }
    /// Every row's model reward.
    var reward: Float = 10
    /// Member standard deviations per row, `[E, D]` (broadcast over rows), D = obs + 1.
    var memberStds = Tensor(shape: [2, 3], scalars: [3, 4, 0, 1, 1, 0])
    /// Terminal when the next observation's first entry exceeds this.
    var terminalAbove: Float = .infinity
    /// What ``sampleElites`` returns, `[N, K, B, obs]`.
    var eliteNextObservations: Tensor?

    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let b = observations.shape[0]
        let next = observations + Tensor.concatenate([actions, actions], axis: 1)
        let done = next.scalars.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element > terminalAbove ? Float(1) : 0 }
        let e = memberStds.shape[0], d = memberStds.shape[1]
        let stds = Tensor(shape: [e, b, d]) { out in
            for m in 0..<e { for row in 0..<b { for j in 0..<d { out[(m * b + row) * d + j] = memberStds.scalars[m * d + j] } } }
        }
        return ModelStep(nextObservations: next, rewards: Tensor(repeating: reward, shape: [b]), terminals: Tensor(done),
                         memberMeans: memberStatistics ? Tensor.zeros([e, b, d]) : nil,
                         memberStandardDeviations: memberStatistics ? stds : nil)
    }

    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        let next = eliteNextObservations!
        precondition(next.shape[0] == samples && next.shape[2] == observations.shape[0])
        return EliteSamples(nextObservations: next, rewards: Tensor.zeros([samples, next.shape[1], next.shape[2]]))
    }
}
