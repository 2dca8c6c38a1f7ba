import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl train`: an offline model-based algorithm on a dataset, resumable.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an offline model-based algorithm (MOPO, MOBILE, MOREC, RAVL, Lipschitz critics) on a dataset.",
            discussion: """
                Settings come, in order, from the algorithm's defaults with the dataset's per-task \
                hyper-parameters and the budget preset, then --config (a JSON object of overrides, e.g. \
                {"totalSteps": 50000, "mopo": {"penaltyCoefficient": 1}}), then the options below. \
                Algorithms: \(AlgorithmRegistry.recipes.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")). \
                The run directory holds config.json, metadata.json, dynamics.h5, progress.jsonl/.csv, \
                checkpoint.h5 and final.h5; --resume continues from checkpoint.h5.
                """)

        @Option(help: "Algorithm: \(AlgorithmRegistry.recipes.map(\.name).joined(separator: ", ")).")
        var algo: String

        @Option(help: "A registered dataset name (see `orl dataset list`) or a D4RL-format HDF5 path.")
        var dataset: String

        @Option(help: "Budget preset: paper (3M updates) or short (50k updates, 5 dynamics epochs, sized for a 2-core machine).")
        var preset: String = BudgetPreset.paper.rawValue

        @Option(help: "A JSON file of configuration overrides.")
        var config: String?

        @Option(help: "SAC updates in total (overrides the preset).")
        var steps: Int?

        @Option(help: "Random seed (default 1, OfflineRL-Kit's).")
        var seed: UInt64?

        @Option(help: "Seed of the dynamics model's fit (default: from --seed); runs sharing --dynamics-cache should share it.")
        var dynamicsSeed: UInt64?

        @Option(help: "Run directory (default runs/ALGO-DATASET-seedS).", transform: { URL(fileURLWithPath: $0) })
        var out: URL?

        @Flag(help: "Continue the run in --out from its last checkpoint.")
        var resume = false

        @Option(help: "A dynamics.h5 to reuse instead of fitting (written there after a fit when absent).")
        var dynamicsCache: String?

        @Option(help: "Model transitions from: learned (the fitted ensemble), true (the simulator), or interpolate:λ (blend, λ = 1 is true).")
        var dynamics: String?

        @Option(help: "Rollout horizon h (overrides the per-task value).")
        var horizon: Int?

        @Option(help: "Penalty coefficient: MOPO's λ or MOBILE's β (overrides the per-task value).")
        var penalty: Float?

        @Option(help: "Fraction of each batch from real data.")
        var realRatio: Double?

        @Option(help: "Start states per model rollout.")
        var rolloutBatchSize: Int?

        @Option(help: "Updates between evaluations.")
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

        func validate() throws {
            do { _ = try AlgorithmRegistry.recipe(named: algo) } catch { throw ValidationError("\(error).") }
            if let dynamics { do { _ = try DynamicsSource(parsing: dynamics) } catch { throw ValidationError("\(error).") } }
            guard BudgetPreset(rawValue: preset) != nil else {
                throw ValidationError("unknown preset '\(preset)'; known presets: \(BudgetPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if !FileManager.default.fileExists(atPath: dataset) {
                do { _ = try DatasetRegistry.standard().entry(named: dataset) } catch { throw ValidationError("\(error)") }
            }
            if let config, !FileManager.default.fileExists(atPath: config) {
                throw ValidationError("--config \(config) does not exist.")
            }
            if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps).") }
            if let horizon, horizon <= 0 { throw ValidationError("--horizon must be positive, got \(horizon).") }
            if let realRatio, !(0...1).contains(realRatio) { throw ValidationError("--real-ratio must be in [0, 1], got \(realRatio).") }
            if let criticSpectralNormScale, !(criticSpectralNormScale > 0) {
                throw ValidationError("--critic-spectral-norm-scale must be positive, got \(criticSpectralNormScale).")
            }
            if let criticAdversarialNoise, !(criticAdversarialNoise > 0) {
                throw ValidationError("--critic-adversarial-noise must be a positive radius, got \(criticAdversarialNoise).")
            }
            if let criticGradientPenalty, !(criticGradientPenalty > 0) {
                throw ValidationError("--critic-gradient-penalty must be a positive weight, got \(criticGradientPenalty).")
            }
        }

        /// Options → configuration, in the documented order of precedence.
        func makeConfiguration() throws -> OfflineTrainingConfiguration {
            var c = try AlgorithmRegistry.recipe(named: algo).configuration(dataset: dataset, preset: BudgetPreset(rawValue: preset)!)
            if let config { c = try c.applying(json: Data(contentsOf: URL(fileURLWithPath: config))) }
            if let steps { c.totalSteps = steps }
            if let seed { c.seed = seed }
            if let dynamicsSeed { c.dynamicsSeed = dynamicsSeed }
            if let rolloutBatchSize { c.rolloutBatchSize = rolloutBatchSize }
            if let evaluationInterval {
                c.evaluationInterval = evaluationInterval
                c.checkpointInterval = max(c.checkpointInterval / evaluationInterval, 1) * evaluationInterval
            }
            if let evaluationEpisodes { c.evaluationEpisodes = evaluationEpisodes }
            if let dynamics { c.dynamicsSource = try DynamicsSource(parsing: dynamics) }
            if let horizon { c.rolloutHorizon = horizon }
            if let realRatio { c.realRatio = realRatio }
            if let penalty {
                switch c.algorithm {
                case .mopo: c.mopo.penaltyCoefficient = penalty
                case .mobile: c.mobile.penaltyCoefficient = penalty
                case .mbpo: throw ValidationError("--penalty: \(c.displayName) has no penalty coefficient.")
                }
            }
            try applyCriticRegularizerOptions(to: &c)
            try c.validate()
            return c
        }

        /// The --critic-* flags: added to (or overriding fields of) any stored `plugIns.lipschitz`
        /// settings, then mirrored into `sac.criticSpectralNorm`.
        func applyCriticRegularizerOptions(to c: inout OfflineTrainingConfiguration) throws {
            let requested = criticSpectralNorm || criticSpectralNormScale != nil || criticAdversarialNoise != nil
                || criticGradientPenalty != nil
            guard requested || c.plugIns[LipschitzSettings.key] != nil else { return }
            var settings = try LipschitzSettings.stored(in: c) ?? LipschitzSettings()
            if criticSpectralNorm || criticSpectralNormScale != nil {
                var sn = settings.spectralNorm ?? CriticSpectralNormalization()
                if let criticSpectralNormScale { sn.scale = criticSpectralNormScale }
                settings.spectralNorm = sn
            }
            if let criticAdversarialNoise {
                var noise = settings.adversarialNoise ?? AdversarialNoiseSettings()
                noise.epsilon = criticAdversarialNoise
                settings.adversarialNoise = noise
            }
            if let criticGradientPenalty {
                var penalty = settings.gradientPenalty ?? GradientPenaltySettings()
                penalty.weight = criticGradientPenalty
                settings.gradientPenalty = penalty
            }
            try settings.validate(criticLayers: c.sac.hiddenSizes.count + 1)
            try settings.store(in: &c)
        }

        func run() throws {
            let c = try makeConfiguration()
            let name = taskKey(c.dataset) + (c.dataset.hasSuffix("-orl") ? "-orl" : "")
            let source = c.dynamicsSource == .learned ? "" : "-" + c.dynamicsSource.description.replacingOccurrences(of: ":", with: "")
            let directory = out ?? URL(fileURLWithPath: "runs/\(c.displayName)\(source)-\(name)-seed\(c.seed)")
            let stderr = FileHandle.standardError
            let penaltyText: String
            switch c.algorithm {
            case .mopo: penaltyText = "MOPO λ \(c.mopo.penaltyCoefficient)"
            case .mobile: penaltyText = "MOBILE β \(c.mobile.penaltyCoefficient)"
            case .mbpo: penaltyText = "no penalty"
            }
            print("\(c.displayName) on \(c.dataset), preset \(c.preset): \(c.totalSteps) updates, h = \(c.rolloutHorizon), " +
                  "\(penaltyText), \(c.sac.critics) critics, real ratio \(c.realRatio), dynamics \(c.dynamicsSource), seed \(c.seed)" +
                  (c.plugIns.isEmpty ? "" : ", plug-ins \(c.plugIns.keys.sorted().joined(separator: ", "))"))
            print("run directory: \(directory.path)")
            let plugIns = try c.makePlugIns(AlgorithmRegistry.plugInFactories)
            let trainer = try OfflineTrainer(configuration: c, directory: directory, resume: resume, dynamicsCache: dynamicsCache,
                                             plugIns: plugIns) { line in
                stderr.write(Data((line + "\n").utf8))
            }
            if trainer.step > 0 { print("resuming at step \(trainer.step)") }
            try trainer.run { progress in stderr.write(Data((progress.text + "\n").utf8)) }
            if let last = trainer.evaluations.last {
                let score = last.normalizedScore.map { String(format: ", normalized score %.1f ± %.1f", $0, last.normalizedScoreStd ?? 0) } ?? ""
                print("final evaluation at step \(last.step): return \(String(format: "%.1f ± %.1f", last.result.mean, last.result.standardDeviation))\(score)")
            }
            print("agent saved to \(trainer.finalAgentPath)")
        }
    }
}
