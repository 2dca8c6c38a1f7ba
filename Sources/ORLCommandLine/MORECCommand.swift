import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl morec learn-reward | diagnose | synthetic`: MOREC's dynamics reward and its analyses.
    struct MOREC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "morec",
            abstract: "MOREC (Luo et al. 2024): learn a dynamics reward, diagnose it against the true simulator, run the synthetic experiment.",
            subcommands: [LearnReward.self, Diagnose.self, Synthetic.self])
    }
}

extension ORL.MOREC {
    /// `orl morec learn-reward --dataset NAME --out DIR [--resume]`.
    struct LearnReward: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "learn-reward",
            abstract: "Learn a dynamics reward from a dataset by adversarial IRL (Luo et al., ICLR 2024, §4).",
            discussion: """
                Writes DIR/config.json, DIR/progress.jsonl/.csv, DIR/learner.h5 (the resume point, written \
                atomically every checkpointInterval updates) and, at the end, DIR/reward.h5 (the snapshot \
                ensemble the morec-* algorithms load) and DIR/summary.json (held-out vs corrupted rewards). \
                The run directory defaults to runs/morec-reward/DATASET, where morec-* algorithms look. \
                --config takes a JSON object of AdversarialRewardConfiguration keys, e.g. {"adversarialSteps": 20000}.
                """)

        @OptionGroup var data: DatasetOption
        @OptionGroup var runDirectory: RunDirectoryOptions
        @OptionGroup var configFile: ConfigFileOption
        @OptionGroup var seedOption: SeedOption

        @Option(help: "Maximum-likelihood warm-up updates.")
        var warmupSteps: Int?

        @Option(help: "Adversarial updates.")
        var adversarialSteps: Int?

        @Option(help: "Stop after this many updates in total, leaving the run resumable (for tests).")
        var stopAfter: Int?

        func validate() throws {
            if let warmupSteps, warmupSteps < 0 { throw ValidationError("--warmup-steps must be ≥ 0, got \(warmupSteps).") }
            try requirePositive(adversarialSteps, "--adversarial-steps")
        }

        /// The settings: defaults, then --config, then the options.
        func makeConfiguration() throws -> AdversarialRewardConfiguration {
            var options: [String: JSONValue] = [:]
            if let seed = seedOption.seed { options["seed"] = .number(Double(seed)) }
            if let warmupSteps { options["warmupSteps"] = .number(Double(warmupSteps)) }
            if let adversarialSteps { options["adversarialSteps"] = .number(Double(adversarialSteps)) }
            do {
                return try AdversarialRewardConfiguration.resolved(overrides: (try configFile.layer().map { [$0] } ?? []) + [.object(options)])
            } catch let error as SettingsError {
                throw ValidationError("--config: \(error).")
            }
        }

        func run() throws {
            let directory = runDirectory.out.map { URL(fileURLWithPath: $0) } ?? DynamicsRewardRun.defaultDirectory(dataset: data.dataset)
            let learning = DynamicsRewardRun(configuration: try makeConfiguration(), dataset: data.dataset, directory: directory)
            switch try learning.run(resume: runDirectory.resume, stopAfter: stopAfter, report: printError) {
            case let .stopped(step):
                print("stopped at update \(step); continue with --resume")
            case let .finished(summary):
                print(String(format: "reward: %d snapshots; held-out real %.4f, corrupted %.4f, generator mean %.4f (range [%.4f, %.4f])",
                             summary.snapshots, summary.rewardHeldoutReal, summary.rewardHeldoutCorrupted, summary.rewardGeneratorMean,
                             summary.rewardRange.lowerBound, summary.rewardRange.upperBound))
                print("saved \(learning.rewardPath)")
            }
        }
    }
}
