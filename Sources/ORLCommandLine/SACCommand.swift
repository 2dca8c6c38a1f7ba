import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl sac`: online SAC in an environment, the way this project trains its behaviour policies.
    struct SAC: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train SAC online in an environment (behaviour policies for the generated datasets).")

        @Option(help: "Task: \(environmentNames.joined(separator: ", ")).")
        var env: String = "halfcheetah"

        @Option(help: "Environment steps in total.")
        var steps: Int = 1_000_000

        @Option(help: "Random seed.")
        var seed: UInt64 = 0

        @Option(help: "Output directory (logs, checkpoint.h5, final.h5, snapshots/).",
                transform: { URL(fileURLWithPath: $0) })
        var out: URL

        @Flag(help: "Continue the run in --out from its last checkpoint.")
        var resume = false

        @Flag(help: "Save the actor at every evaluation (to pick medium policies later).")
        var snapshots = false

        @Option(help: "Steps between evaluations.")
        var evaluationInterval: Int = 10_000

        @Option(help: "Episodes per evaluation.")
        var evaluationEpisodes: Int = 5

        func validate() throws {
            guard environmentNames.contains(env.lowercased()) else {
                throw ValidationError("unknown task '\(env)'; known tasks: \(environmentNames.joined(separator: ", ")).")
            }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps).") }
        }

        func run() throws {
            var config = OnlineTrainingConfiguration()
            config.environment = env.lowercased()
            config.totalSteps = steps
            config.seed = seed
            config.saveSnapshots = snapshots
            config.evaluationInterval = evaluationInterval
            config.evaluationEpisodes = evaluationEpisodes
            config.replayCapacity = max(steps, 1)
            let trainer = try OnlineTrainer(configuration: config, directory: out, resume: resume)
            if trainer.step > 0 { print("resuming at step \(trainer.step)") }
            try trainer.run { line in
                FileHandle.standardError.write(Data((line.text + "\n").utf8))
            }
            if let last = trainer.evaluations.last {
                print("final evaluation at step \(last.step): return \(String(format: "%.1f", last.result.mean)) ± \(String(format: "%.1f", last.result.standardDeviation))")
            }
            print("agent saved to \(trainer.finalAgentPath)")
        }
    }
}
