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

/// Writes one line to standard error.
func morecStandardError(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

extension ORL.MOREC {
    /// `orl morec learn-reward --dataset NAME --out DIR [--resume]`.
    struct LearnReward: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "learn-reward",
            abstract: "Learn a dynamics reward from a dataset by adversarial IRL (research/morec.md §2.3–2.4).",
            discussion: """
                Writes DIR/config.json, DIR/progress.jsonl/.csv, DIR/learner.h5 (the resume point, written \
                atomically every checkpointInterval updates) and, at the end, DIR/reward.h5 (the snapshot \
                ensemble the morec-* algorithms load) and DIR/summary.json (held-out vs corrupted rewards). \
                --config takes a JSON object of AdversarialRewardConfiguration keys, e.g. {"adversarialSteps": 20000}.
                """)

        @Option(help: "A registered dataset name or a D4RL-format HDF5 path.")
        var dataset: String

        @Option(help: "Output directory (default runs/morec-reward/DATASET, where morec-* algorithms look).")
        var out: String?

        @Flag(help: "Continue from DIR/learner.h5.")
        var resume = false

        @Option(help: "A JSON file of reward-learning settings (missing keys keep their defaults).")
        var config: String?

        @Option(help: "Random seed.")
        var seed: UInt64?

        @Option(help: "Maximum-likelihood warm-up updates.")
        var warmupSteps: Int?

        @Option(help: "Adversarial updates.")
        var adversarialSteps: Int?

        @Option(help: "Stop after this many updates in total, leaving the run resumable (for tests).")
        var stopAfter: Int?

        func validate() throws {
            if !FileManager.default.fileExists(atPath: dataset) {
                do { _ = try DatasetRegistry.standard().entry(named: dataset) } catch { throw ValidationError("\(error)") }
            }
            if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config \(config) does not exist.") }
            if let warmupSteps, warmupSteps < 0 { throw ValidationError("--warmup-steps must be ≥ 0, got \(warmupSteps).") }
            if let adversarialSteps, adversarialSteps <= 0 { throw ValidationError("--adversarial-steps must be positive, got \(adversarialSteps).") }
        }

        func run() throws {
            var settings = AdversarialRewardConfiguration()
            if let config { settings = try JSONDecoder().decode(AdversarialRewardConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: config))) }
            if let seed { settings.seed = seed }
            if let warmupSteps { settings.warmupSteps = warmupSteps }
            if let adversarialSteps { settings.adversarialSteps = adversarialSteps }
            try settings.validate()
            let directory = URL(fileURLWithPath: out ?? (MORECRecipe.defaultRewardPath(dataset: dataset) as NSString).deletingLastPathComponent)
            let learnerPath = directory.appendingPathComponent("learner.h5").path
            let rewardPath = directory.appendingPathComponent("reward.h5").path
            let fm = FileManager.default
            if (fm.fileExists(atPath: learnerPath) || fm.fileExists(atPath: rewardPath)) && !resume {
                throw ValidationError("\(directory.path) already holds a reward run; pass --resume to continue it or choose another --out.")
            }
            let (path, _) = try DatasetRegistry.standard().resolve(dataset)
            morecStandardError("loading \(path)")
            let transitions = try D4RLFile.load(path: path).dynamicsTransitions()
            let learner = try AdversarialDynamicsRewardLearner(configuration: settings, transitions: transitions,
                                                               provenance: ["dataset": dataset, "seed": String(settings.seed)])
            let resuming = resume && fm.fileExists(atPath: learnerPath)
            if resuming {
                try learner.restoreCheckpoint(from: learnerPath)
                print("resuming at update \(learner.step)")
            }
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            let log = try TrainingLog(directory: directory, keepThroughStep: resuming ? learner.step : nil)
            learner.logSink = { try log.append($0) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if !resuming { try AtomicFile.write(try encoder.encode(settings), to: directory.appendingPathComponent("config.json").path) }
            print("learning a dynamics reward on \(dataset): \(transitions.count) transitions (\(learner.holdout.observations.shape[0]) held out), " +
                  "\(settings.warmupSteps) warm-up + \(settings.adversarialSteps) adversarial updates, seed \(settings.seed)")
            try learner.train(stopAfter: stopAfter, checkpoint: { l in
                try AtomicFile.produce(learnerPath) { try l.saveCheckpoint(to: $0) }
            }, progress: { morecStandardError($0.text) })
            guard learner.step == learner.totalSteps else {
                try AtomicFile.produce(learnerPath) { try learner.saveCheckpoint(to: $0) }
                print("stopped at update \(learner.step); continue with --resume")
                return
            }
            let reward = try learner.reward()
            try AtomicFile.produce(rewardPath) { try reward.save(to: $0) }
            var rng = RandomGenerator(seed: settings.seed &+ 99)
            let check = try RewardHoldoutCheck.run(reward: reward, learner: learner, rng: &rng)
            let h = learner.holdout
            let mle = learner.generatorMeanNextObservations(observations: h.observations, actions: h.actions)
            let mleReward = reward.rewards(observations: h.observations, actions: h.actions, candidates: mle).mean()
            let summary: [String: Double] = [
                "snapshots": Double(reward.snapshotCount), "heldout_rows": Double(h.observations.shape[0]),
                "reward_heldout_real": Double(check.real), "reward_heldout_corrupted": Double(check.corrupted),
                "reward_generator_mean": Double(mleReward), "updates": Double(learner.step)]
            try AtomicFile.write(try encoder.encode(summary), to: directory.appendingPathComponent("summary.json").path)
            print(String(format: "reward: %d snapshots; held-out real %.4f, corrupted %.4f, generator mean %.4f (range [%.4f, %.4f])",
                         reward.snapshotCount, check.real, check.corrupted, mleReward, reward.range.lowerBound, reward.range.upperBound))
            print("saved \(rewardPath)")
        }
    }
}
