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

        @Option(help: "A registered MuJoCo dataset name or a D4RL-format HDF5 path.")
        var dataset: String

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

        @Option(help: "Random seed.")
        var seed: UInt64 = 1

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
            let registry = try DatasetRegistry.standard()
            let (path, entry) = try registry.resolve(dataset)
            let data = try D4RLFile.load(path: path)
            guard let environment = (entry?.environment ?? data.metadata["environment"])?.lowercased() else {
                throw ValidationError("cannot tell the task of \(dataset) (no metadata/environment).")
            }
            let oracle = try TrueDynamics(named: environment)
            let rewardModel = try DynamicsRewardEnsemble.load(from: reward)
            let o = data.observationDimension, a = data.actionDimension
            guard rewardModel.observationDimension == o, rewardModel.actionDimension == a else {
                throw ValidationError("the reward is for \(rewardModel.observationDimension)/\(rewardModel.actionDimension) widths, \(dataset) has \(o)/\(a).")
            }
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var rng = RandomGenerator(seed: seed)
            var modelRNG = rng.split()
            let model = try DynamicsEnsemble(observationDimension: o, actionDimension: a, termination: try TerminationFunction.named(environment),
                                             rng: &modelRNG)
            if let dynamics {
                try model.load(from: dynamics)
            } else {
                var configuration = model.configuration
                configuration.maxEpochs = fitEpochs
                let fitted = try DynamicsEnsemble(observationDimension: o, actionDimension: a, configuration: configuration,
                                                  termination: try TerminationFunction.named(environment), rng: &modelRNG)
                var transitions = data.dynamicsTransitions()
                if transitions.count > fitRows {
                    let rows = Array(modelRNG.permutation(transitions.count).prefix(fitRows))
                    transitions = Transitions(observations: transitions.observations.gather(rows), actions: transitions.actions.gather(rows),
                                              rewards: transitions.rewards.gather(rows), nextObservations: transitions.nextObservations.gather(rows),
                                              terminals: transitions.terminals.gather(rows))
                }
                morecStandardError("fitting the dynamics ensemble on \(transitions.count) transitions, at most \(fitEpochs) epochs")
                let saved = BLASRuntime.threads
                BLASRuntime.threads = 1
                try fitted.fit(transitions, rng: &modelRNG, progress: { morecStandardError(String(format: "dynamics epoch %d  holdout mse %.5f", $0.epoch, $0.holdoutLoss)) })
                BLASRuntime.threads = saved
                let file = directory.appendingPathComponent("dynamics.h5").path
                try AtomicFile.produce(file) { try fitted.save(to: $0) }
                try model.load(from: file)
            }
            let buffer = ReplayBuffer(data.qlearningTransitions())
            var starts = TransitionBatch(batchSize: startStates, observationDimension: o, actionDimension: a)
            buffer.sample(into: &starts, rng: &rng)
            var policyName: String
            var policy: (Tensor, inout RandomGenerator) -> Tensor
            if let agent {
                let loaded = try OfflineTrainer.loadAgent(from: agent).agent
                policyName = "agent " + agent
                policy = { s, rng in loaded.act(s, deterministic: false, rng: &rng) }
            } else {
                policyName = "uniform random actions"
                policy = { s, rng in Tensor.uniform([s.shape[0], a], low: -1, high: 1, rng: &rng) }
            }
            if dataActions {
                let first = starts.actions, inner = policy
                final class Calls { var count = 0 }
                let calls = Calls()
                policyName = "dataset actions at step 0, then " + policyName
                policy = { s, rng in
                    calls.count += 1
                    return calls.count == 1 ? first : inner(s, &rng)
                }
            }
            var settings = MORECSettings(rewardPath: reward)
            settings.selection = selection
            let filter = RewardConsistentFilter(reward: rewardModel, selection: try settings.candidateSelection(),
                                                termination: try TerminationFunction.named(environment))
            let (summary, records) = RewardErrorDiagnosis.run(model: model, oracle: oracle, filter: filter, startObservations: starts.observations,
                                                              horizon: horizon, policyName: policyName, policy: policy, rng: &rng)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(summary), to: directory.appendingPathComponent("summary.json").path)
            var csv = "t,mae,reward,chosen\n"
            for r in records { csv += "\(r.t),\(r.error),\(r.reward),\(r.chosen ? 1 : 0)\n" }
            try AtomicFile.write(Data(csv.utf8), to: directory.appendingPathComponent("candidates.csv").path)
            func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
            print("\(dataset): \(summary.candidatesChecked) candidates checked against the simulator (\(policyName), h = \(horizon))")
            print("corr(log MAE, reward): every candidate \(f(summary.correlationCandidates)), chosen \(f(summary.correlationChosen))")
            print(String(format: "one-step MAE: chosen %.4f, unfiltered %.4f;  reward mean %.3f, accepted %.3f, terminal %.3f",
                         summary.maeChosen, summary.maeUnfiltered, summary.rewardMean, summary.acceptRate, summary.terminalRate))
            print("wrote \(directory.path)/summary.json and candidates.csv")
        }
    }

    /// `orl morec synthetic --out DIR`.
    struct Synthetic: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The synthetic hidden-factor experiment of Experiments/morec-synthetic (ours, not the paper's task).")

        @Option(help: "Output directory for results.json.")
        var out = "Experiments/morec-synthetic/results"

        @Option(help: "Random seed.")
        var seed: UInt64 = 7

        func run() throws {
            var experiment = SyntheticExperiment()
            experiment.seed = seed
            let saved = BLASRuntime.threads
            BLASRuntime.threads = 1
            defer { BLASRuntime.threads = saved }
            let results = try experiment.run { morecStandardError($0) }
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
