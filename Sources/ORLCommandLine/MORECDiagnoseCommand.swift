import ArgumentParser
import Foundation
import OfflineRL

extension ORL.MOREC {
    /// `orl morec diagnose --dataset NAME --reward reward.h5 --out DIR`.
    struct Diagnose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dynamics reward vs the true one-step error of filtered model rollouts (MuJoCo tasks).",
            discussion: """
                Rolls the fitted dynamics ensemble with MOREC's filter from dataset states and steps the real \
                simulator from every (s, a) to get the true s'. Writes DIR/summary.json (correlation of the \
                reward with log MAE over every candidate and over the chosen ones, chosen vs unfiltered MAE, \
                acceptance and termination rates per step) and DIR/candidates.csv (t, mae, reward, chosen).
                """)

        @OptionGroup var data: DatasetOption

        @Option(help: "The reward.h5 from `orl morec learn-reward`.")
        var reward: String

        @Option(help: "Output directory.")
        var out: String

        @Option(help: "A dynamics.h5 (from an `orl train` run or --dynamics-cache); without it a model is fitted and saved to DIR/dynamics.h5.")
        var dynamics: String?

        @Option(help: "Epoch cap when fitting the model here.")
        var fitEpochs = 5

        @Option(help: "Transitions used when fitting the model here (a random subset).")
        var fitRows = 200_000

        @Option(help: "An agent (final.h5 or checkpoint.h5 of `orl train`) to act in the rollouts; default: uniform random actions.")
        var agent: String?

        @Flag(help: "Take the dataset's own actions at the first rollout step (then the policy's): with --horizon 1, one-step model transitions on in-distribution (s, a).")
        var dataActions = false

        @Option(help: "Rollout start states.")
        var startStates = 200

        @Option(help: "Rollout horizon.")
        var horizon = 20

        @Option(help: "Candidate selection: argmax or softmax.")
        var selection = "argmax"

        @OptionGroup var seedOption: SeedOption

        func validate() throws {
            guard startStates > 0, horizon > 0, fitEpochs > 0, fitRows > 0 else {
                throw ValidationError("--start-states, --horizon, --fit-epochs and --fit-rows must be positive.")
            }
            guard FileManager.default.fileExists(atPath: reward) else {
                throw ValidationError("--reward \(reward) does not exist; learn one with `orl morec learn-reward`.")
            }
            if let dynamics, !FileManager.default.fileExists(atPath: dynamics) { throw ValidationError("--dynamics \(dynamics) does not exist.") }
            if let agent, !FileManager.default.fileExists(atPath: agent) { throw ValidationError("--agent \(agent) does not exist.") }
        }

        func run() throws {
            var study = RewardErrorStudy(dataset: data.dataset, rewardPath: reward, directory: URL(fileURLWithPath: out))
            study.dynamicsPath = dynamics
            study.fitEpochs = fitEpochs
            study.fitRows = fitRows
            study.agentPath = agent
            study.dataActions = dataActions
            study.startStates = startStates
            study.horizon = horizon
            study.selection = selection
            study.seed = seedOption.seed ?? 1
            let result = try study.run(report: printError)
            let summary = result.summary
            func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
            print("\(data.dataset): \(summary.candidatesChecked) candidates checked against the simulator (\(result.policyName), h = \(horizon))")
            print("corr(log MAE, reward): every candidate \(f(summary.correlationCandidates)), chosen \(f(summary.correlationChosen))")
            print(String(format: "one-step MAE: chosen %.4f, unfiltered %.4f;  reward mean %.3f, accepted %.3f, terminal %.3f",
                         summary.maeChosen, summary.maeUnfiltered, summary.rewardMean, summary.acceptRate, summary.terminalRate))
            print("wrote \(study.directory.path)/summary.json and candidates.csv")
        }
    }

    /// `orl morec synthetic --out DIR`.
    struct Synthetic: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The synthetic hidden-factor experiment of Experiments/morec-synthetic (ours, not the paper's task).")

        @Option(help: "Output directory for results.json.")
        var out = "Experiments/morec-synthetic/results"

        @OptionGroup var seedOption: SeedOption

        func run() throws {
            var experiment = SyntheticExperiment()
            experiment.seed = seedOption.seed ?? 7
            let results = try BLASRuntime.withThreads(1) { try experiment.run { printError($0) } }
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(results), to: directory.appendingPathComponent("results.json").path)
            print(String(format: "data T range [%.2f, %.2f], %d transitions", results.dataTemperatureRange[0], results.dataTemperatureRange[1], results.transitions))
            print(String(format: "held-out reward %.3f vs corrupted %.3f", results.heldOutReward, results.corruptedReward))
            print(String(format: "|Δ − Δ*| inside the data: reward argmax %.3f, MLE %.3f;  outside: reward argmax %.3f, MLE %.3f",
                         results.rewardArgmaxErrorIn, results.mleErrorIn, results.rewardArgmaxErrorOut, results.mleErrorOut))
            print(String(format: "outside the data, r(true) > r(MLE mean) on %.1f%% of grid points", 100 * results.outOfDataTrueBeatsMLE))
            let h = results.rolloutErrorPlain.count
            print(String(format: "rollout |T − T*| at step %d: plain %.3f, filtered %.3f (true T %.1f); filtered below threshold %.3f",
                         h, results.rolloutErrorPlain[h - 1], results.rolloutErrorFiltered[h - 1], results.rolloutTrueTemperature[h - 1],
                         results.filteredBelowThreshold))
            print("wrote \(directory.path)/results.json (\(String(format: "%.0f", results.seconds)) s)")
        }
    }
}
