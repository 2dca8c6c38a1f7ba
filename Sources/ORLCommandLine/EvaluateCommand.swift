import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl evaluate`: deterministic episodes of a trained offline agent in its task.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate an `orl train` agent (final.h5 or checkpoint.h5) in its task: return and normalized score.")

        @Option(help: "The agent file: a run's final.h5 or checkpoint.h5.")
        var checkpoint: String

        @Option(help: "Deterministic episodes.")
        var episodes: Int = 10

        @OptionGroup var seedOption: SeedOption

        func validate() throws {
            guard FileManager.default.fileExists(atPath: checkpoint) else {
                throw ValidationError("--checkpoint \(checkpoint) does not exist.")
            }
            try requirePositive(episodes, "--episodes")
        }

        func run() throws {
            let (agent, description) = try OfflineTrainer.loadLearner(from: checkpoint, registry: AlgorithmRegistry.standard)
            let configuration = try description.configuration()
            var environment = try makeEnvironment(named: description.environment, maxEpisodeSteps: configuration.maxEpisodeSteps)
            let result = evaluate(policy: { observation in
                var unused = RandomGenerator(seed: 0)
                return agent.act(observation, deterministic: true, rng: &unused)
            }, environment: &environment, episodes: episodes, seed: seedOption.seed ?? 0)
            let entry = try description.scoreDataset.map { try DatasetRegistry.standard().entry(named: $0) }
            let scored = OfflineEvaluation(step: description.step, result: result, entry: entry)
            print("\(configuration.algorithm) agent from \(checkpoint) (step \(description.step), task \(description.environment))")
            print("return \(String(format: "%.1f ± %.1f", result.mean, result.standardDeviation)) over \(episodes) episodes, " +
                  "mean length \(result.lengths.reduce(0, +) / max(result.lengths.count, 1))")
            if let score = scored.normalizedScore, let name = description.scoreDataset {
                print("normalized score \(String(format: "%.1f ± %.1f", score, scored.normalizedScoreStd ?? 0)) (reference returns of \(name))")
            }
        }
    }
}
