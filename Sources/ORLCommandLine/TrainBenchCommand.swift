import ArgumentParser
import Benchmarks
import OfflineRL

extension ORL.Bench {
    /// `orl bench train --algo A --dataset D [--updates N --fit-epochs E --dynamics-cache F --reward R]`.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "The whole training loop at the paper preset's rollout settings: updates/s, the share of updates, rollouts, rollout filter/penalty and sampling, and the projected hours of the preset's 3M updates.",
            discussion: """
                The dynamics model is fitted for --fit-epochs epochs (or loaded from --dynamics-cache) \
                before the clock starts; evaluation and checkpoints are timed apart, once at the end. \
                A MOREC algorithm without --reward gets a random dynamics reward (its cost does not \
                depend on its weights). --config lays a JSON object over the paper preset first (e.g. \
                {"rolloutBatchSize": 10000} for the short preset's rollouts).
                """)

        @Option(help: "Algorithm: \(AlgorithmRegistry.standard.recipes.map(\.name).joined(separator: ", ")).")
        var algo: String

        @OptionGroup var data: DatasetOption

        @Option(help: "Updates timed (a multiple of the rollout interval keeps the rollouts' share exact).")
        var updates = 2_000

        @Option(help: "Epochs of the untimed dynamics fit.")
        var fitEpochs = 1

        @Option(help: "A dynamics.h5 to load instead of fitting (written there after a fit when absent).")
        var dynamicsCache: String?

        @Option(help: "MOREC's dynamics reward (reward.h5); default: a random one.")
        var reward: String?

        @OptionGroup var configFile: ConfigFileOption

        @Flag(help: "Print one JSON object instead of a table.")
        var json = false

        func validate() throws {
            do { _ = try AlgorithmRegistry.standard.recipe(named: algo) } catch { throw ValidationError("\(error).") }
            try requirePositive(updates, "--updates")
            try requirePositive(fitEpochs, "--fit-epochs")
        }

        func run() throws {
            var benchmark = TrainLoopBenchmark(algorithm: algo, dataset: data.dataset, updates: updates, registry: AlgorithmRegistry.standard)
            benchmark.fitEpochs = fitEpochs
            benchmark.dynamicsCache = dynamicsCache
            benchmark.rewardPath = reward
            benchmark.layers = try configFile.layer().map { [$0] } ?? []
            let result = try benchmark.run(report: printError)
            print(json ? result.jsonLine : BenchmarkTable.render([result]))
        }
    }
}
