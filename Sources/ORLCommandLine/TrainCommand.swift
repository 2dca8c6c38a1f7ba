import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl train`: an offline model-based algorithm on a dataset, resumable.
    public struct Train: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Train an offline algorithm (MOPO, MOBILE, MOREC, RAVL, Lipschitz critics; COMBO, CQL, EDAC, TD3+BC, IQL) on a dataset.",
            discussion: """
                Settings come, in order, from the algorithm's recipe (defaults, the dataset's per-task \
                settings, the budget preset), then --config (a JSON object with the keys of config.json, \
                e.g. {"totalSteps": 50000, "plugIns": {"mopo": {"penaltyCoefficient": 1}}}), then the \
                options below; a key that no part of the run reads is an error. \
                Algorithms: \(AlgorithmRegistry.standard.recipes.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")). \
                The run directory (default runs/ALGO-DATASET-seedS) holds config.json, metadata.json, \
                dynamics.h5, progress.jsonl/.csv, checkpoint.h5 and final.h5; --resume continues from \
                checkpoint.h5 and refuses a changed configuration, naming what changed. The seed defaults to 1 \
                (OfflineRL-Kit's). On SIGUSR1 (what Slurm's --signal sends before a time limit) the run finishes \
                its current update (MOREC: trains on to its next evaluation) or dynamics-fit epoch, writes its \
                checkpoint there and exits with status 75; --resume then continues it exactly.
                """)

        @Option(help: "Algorithm: \(AlgorithmRegistry.standard.recipes.map(\.name).joined(separator: ", ")).")
        var algo: String

        @OptionGroup var data: DatasetOption

        @Option(help: "Budget preset: paper (3M updates) or short (50k updates, a 30-epoch dynamics cap, sized for a 2-core machine).")
        var preset: BudgetPreset = .paper

        @OptionGroup var configFile: ConfigFileOption
        @OptionGroup var seedOption: SeedOption
        @OptionGroup var runDirectory: RunDirectoryOptions

        @Option(help: "SAC updates in total (overrides the preset).")
        var steps: Int?

        @Option(help: "Seed of the dynamics model's fit (default: from --seed); runs sharing --dynamics-cache should share it.")
        var dynamicsSeed: UInt64?

        @Option(help: "A dynamics.h5 to reuse instead of fitting (written there after a fit when absent, with FILE.json recording the dataset, fit seed and ensemble settings; a run whose fit would differ refuses it).")
        var dynamicsCache: String?

        @Option(help: "Model transitions from: learned (the fitted ensemble), true (the simulator), interpolate:λ (blend, λ = 1 is true), or none (no model: real data only, as the model-free algorithms' recipes set).",
                transform: parseDynamicsSource)
        var dynamics: DynamicsSource?

        @Option(help: "Rollout horizon h (overrides the per-task value).")
        var horizon: Int?

        @Option(help: "Penalty coefficient of the algorithm's penalty plug-in, e.g. MOPO's λ or MOBILE's β (overrides the per-task value).")
        var penalty: Float?

        @Option(help: "Fraction of each batch from real data.")
        var realRatio: Double?

        @Option(help: "Start states per model rollout.")
        var rolloutBatchSize: Int?

        @Option(help: "Updates between evaluations (the checkpoint interval is rounded to a multiple of it).")
        var evaluationInterval: Int?

        @Option(help: "Episodes per evaluation.")
        var evaluationEpisodes: Int?

        @Flag(help: "Spectrally normalise every critic layer (Lipschitz critics; any algorithm).")
        var criticSpectralNorm = false

        @Option(help: "Spectral-norm scale c of each critic layer (implies --critic-spectral-norm; default 1).")
        var criticSpectralNormScale: Float?

        @Option(help: "Add the adversarial-state robust loss with radius EPS in normalized state units (PGD, 3 steps, weight 1; any algorithm).")
        var criticAdversarialNoise: Float?

        @Option(help: "Add a one-sided gradient penalty (target 1, on interpolates) with this weight to the critic loss (any algorithm).")
        var criticGradientPenalty: Float?

        static func parseDynamicsSource(_ text: String) throws -> DynamicsSource {
            do { return try DynamicsSource(parsing: text) } catch { throw ValidationError(error.reason) }
        }

        /// The exit status of a `--resume` on a finished run: nothing was done.
        public static let nothingToDo: Int32 = 3

        /// Creates the command (the argument parser's requirement).
        public init() {}

        public func validate() throws {
            do { _ = try AlgorithmRegistry.standard.recipe(named: algo) } catch { throw ValidationError("\(error).") }
            try requirePositive(steps, "--steps")
            try requirePositive(horizon, "--horizon")
            try requirePositive(rolloutBatchSize, "--rollout-batch-size")
            try requirePositive(evaluationInterval, "--evaluation-interval")
            try requirePositive(evaluationEpisodes, "--evaluation-episodes")
            try requirePositive(criticSpectralNormScale, "--critic-spectral-norm-scale")
            try requirePositive(criticAdversarialNoise, "--critic-adversarial-noise")
            try requirePositive(criticGradientPenalty, "--critic-gradient-penalty")
            if let realRatio, !(0...1).contains(realRatio) { throw ValidationError("--real-ratio must be in [0, 1], got \(realRatio).") }
            if let penalty, !(penalty.isFinite && penalty >= 0) { throw ValidationError("--penalty must be finite and ≥ 0, got \(penalty).") }
        }

        /// The run's configuration by the one rule: the recipe (defaults, per-task settings,
        /// preset), then `--config`, then the options, each a JSON layer over the last.
        public func makeConfiguration(registry: OfflineAlgorithmRegistry = AlgorithmRegistry.standard) throws -> OfflineTrainingConfiguration {
            let recipe = try registry.recipe(named: algo).configuration(dataset: data.dataset, preset: preset)
            var layers = try configFile.layer().map { [$0] } ?? []
            let beforeOptions = try recipe.applying(layers)
            layers.append(try optionsLayer(over: beforeOptions))
            return try registry.completed(recipe.applying(layers))
        }

        /// The options as a JSON layer. Options that depend on the configuration they change
        /// (`--penalty` finds the plug-in with a penalty coefficient; `--evaluation-interval` rounds
        /// the checkpoint interval) read `current`, the configuration before the options.
        func optionsLayer(over current: OfflineTrainingConfiguration) throws -> JSONValue {
            var layer: [String: JSONValue] = [:]
            func set(_ key: String, _ value: (some BinaryInteger)?) { if let value { layer[key] = .number(Double(value)) } }
            set("totalSteps", steps)
            set("seed", seedOption.seed)
            set("dynamicsSeed", dynamicsSeed)
            set("rolloutBatchSize", rolloutBatchSize)
            set("rolloutHorizon", horizon)
            set("evaluationEpisodes", evaluationEpisodes)
            if let realRatio { layer["realRatio"] = .number(realRatio) }
            if let dynamics { layer["dynamicsSource"] = .string(dynamics.description) }
            if let evaluationInterval {
                set("evaluationInterval", evaluationInterval)
                set("checkpointInterval", max(current.checkpointInterval / evaluationInterval, 1) * evaluationInterval)
            }
            var plugIns: [String: JSONValue] = [:]
            if let penalty {
                let owners = current.plugIns.filter { _, settings in
                    if case let .object(fields) = settings { return fields["penaltyCoefficient"] != nil }
                    return false
                }
                guard !owners.isEmpty else {
                    throw ValidationError("--penalty: \(current.algorithm) has no plug-in with a penalty coefficient.")
                }
                for key in owners.keys { plugIns[key] = .object(["penaltyCoefficient": .number(Double(penalty))]) }
            }
            var lipschitz: [String: JSONValue] = [:]
            if let criticAdversarialNoise { lipschitz["adversarialNoise"] = .object(["epsilon": .number(Double(criticAdversarialNoise))]) }
            if let criticGradientPenalty { lipschitz["gradientPenalty"] = .object(["weight": .number(Double(criticGradientPenalty))]) }
            let spectralNorm = criticSpectralNorm || criticSpectralNormScale != nil
            if spectralNorm {
                layer["sac"] = .object(["criticSpectralNorm": .object(["scale": .number(Double(criticSpectralNormScale ?? 1))])])
            }
            // Any critic regularizer brings the module's diagnostics (an empty object keeps stored settings).
            if spectralNorm || !lipschitz.isEmpty { plugIns[LipschitzSettings.key] = .object(lipschitz) }
            if !plugIns.isEmpty { layer["plugIns"] = .object(plugIns) }
            return .object(layer)
        }

        public func run() throws {
            let registry = AlgorithmRegistry.standard
            let c = try makeConfiguration(registry: registry)
            let name = taskKey(c.dataset) + (c.dataset.hasSuffix("-orl") ? "-orl" : "")
            let source = c.dynamicsSource == .learned || c.dynamicsSource == .noModel ? "" : "-" + c.dynamicsSource.description.replacingOccurrences(of: ":", with: "")
            let directory = runDirectory.directory(default: "runs/\(c.algorithm)\(source)-\(name)-seed\(c.seed)")
            print("\(c.algorithm) on \(c.dataset), preset \(c.preset): \(c.totalSteps) updates, h = \(c.rolloutHorizon), " +
                  "\(c.sac.critics) critics, real ratio \(c.realRatio), dynamics \(c.dynamicsSource), seed \(c.seed), " +
                  "plug-ins \(c.plugIns.keys.sorted().joined(separator: ", "))")
            print("run directory: \(directory.path)")
            StopRequest.install()   // SIGUSR1 (Slurm's --signal before a time limit): checkpoint after the current update, exit 75
            StopRequest.watchQueueFromEnvironment(report: printError)   // a queue killed outright: checkpoint and stop too
            let trainer: OfflineTrainer
            do {
                trainer = try OfflineTrainer(configuration: c, directory: directory, resume: runDirectory.resume, dynamicsCache: dynamicsCache,
                                             registry: registry, report: printError)
                if trainer.isFinished {
                    print("the run in \(directory.path) is finished at step \(trainer.step); nothing to do")
                    throw ExitCode(Self.nothingToDo)
                }
                if trainer.step > 0 { print("resuming at step \(trainer.step)") }
                try trainer.run { progress in printError(progress.text) }
            } catch let error as OfflineTrainingError {
                guard case .stopRequested = error else { throw error }
                printError(error.description)
                throw ExitCode(StopRequest.exitStatus)
            } catch let error as DynamicsModelError {
                guard case .stopRequested = error else { throw error }
                printError(error.description)
                throw ExitCode(StopRequest.exitStatus)
            }
            if let last = trainer.evaluations.last {
                let score = last.normalizedScore.map { String(format: ", normalized score %.1f ± %.1f", $0, last.normalizedScoreStd ?? 0) } ?? ""
                print("final evaluation at step \(last.step): return \(String(format: "%.1f ± %.1f", last.result.mean, last.result.standardDeviation))\(score)")
            }
            print("agent saved to \(trainer.finalAgentPath)")
        }
    }
}
