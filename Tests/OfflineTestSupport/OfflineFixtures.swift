import Foundation
import PolicyLearning

/// Small D4RL-layout datasets for the offline-trainer and algorithm-module tests.
public enum OfflineFixtures {
    /// `episodes` episodes of at most `steps` uniformly random actions in task `environment`,
    /// written in D4RL layout to `path` with `metadata/environment`.
    public static func writeRandomDataset(environment: String, to path: String, episodes: Int, steps: Int,
                                          seed: UInt64 = 11, source: String? = nil) throws {
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
        let dataset = try OfflineDataset(source: source ?? "\(environment) random test data",
                                         observations: Tensor(shape: [n, o], scalars: s),
                                         actions: Tensor(shape: [n, a], scalars: u), rewards: Tensor(r), terminals: terminals,
                                         timeouts: timeouts, nextObservations: Tensor(shape: [n, o], scalars: s2))
        try D4RLFile.write(dataset, to: path, metadata: ["environment": environment])
    }

    /// A point-mass dataset of `episodes` 20-step episodes with uniformly random actions.
    public static func writePointMassDataset(to path: String, episodes: Int = 30, seed: UInt64 = 11) throws {
        try writeRandomDataset(environment: "pointmass", to: path, episodes: episodes, steps: 20, seed: seed,
                               source: "pointmass test data")
    }
}
