import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl sac`: online SAC in an environment, the way this project trains its behaviour policies.
    struct SAC: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train SAC online in an environment (behaviour policies for the generated datasets).")

        @Option(help: "Task.")
        var env: TaskName = .halfcheetah

        @Option(help: "Environment steps in total.")
        var steps: Int = 1_000_000

        @OptionGroup var seedOption: SeedOption
        @OptionGroup var runDirectory: RunDirectoryOptions

        @Flag(help: "Save the actor at every evaluation (to pick medium policies later).")
        var snapshots = false

        @Option(help: "Steps between evaluations.")
        var evaluationInterval: Int = 10_000

        @Option(help: "Episodes per evaluation.")
        var evaluationEpisodes: Int = 5

        func validate() throws {
            guard runDirectory.out != nil else { throw ValidationError("--out is required: the run directory (logs, checkpoint.h5, final.h5, snapshots/).") }
            try requirePositive(steps, "--steps")
        }

        func run() throws {
            var config = OnlineTrainingConfiguration()
            config.environment = env.rawValue
            config.totalSteps = steps
            config.seed = seedOption.seed ?? 0
            config.saveSnapshots = snapshots
            config.evaluationInterval = evaluationInterval
            config.evaluationEpisodes = evaluationEpisodes
            config.replayCapacity = max(steps, 1)
            let trainer = try OnlineTrainer(configuration: config, directory: runDirectory.directory(default: ""), resume: runDirectory.resume)
            if trainer.step > 0 { print("resuming at step \(trainer.step)") }
            try trainer.run { printError($0.text) }
            if let last = trainer.evaluations.last {
                print("final evaluation at step \(last.step): return \(String(format: "%.1f", last.result.mean)) ± \(String(format: "%.1f", last.result.standardDeviation))")
            }
            print("agent saved to \(trainer.finalAgentPath)")
        }
    }
}
