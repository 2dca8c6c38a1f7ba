import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl train`: an offline model-based algorithm on a dataset, resumable.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train an offline model-based algorithm (MOPO, MOBILE) on a dataset.",
            discussion: """
                Settings come, in order, from the algorithm's defaults with the dataset's per-task \
                hyper-parameters and the budget preset, then --config (a JSON object of overrides, e.g. \
                {"totalSteps": 50000, "mopo": {"penaltyCoefficient": 1}}), then the options below. \
                The run directory holds config.json, metadata.json, dynamics.h5, progress.jsonl/.csv, \
                checkpoint.h5 and final.h5; --resume continues from checkpoint.h5.
                """)

        @Option(help: "Algorithm: \(OfflineAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")).")
        var algo: String

        @Option(help: "A registered dataset name (see `orl dataset list`) or a D4RL-format HDF5 path.")
        var dataset: String

        @Option(help: "Budget preset: paper (3M updates) or short (200k updates, sized for a small machine).")
        var preset: String = BudgetPreset.paper.rawValue

        @Option(help: "A JSON file of configuration overrides.")
        var config: String?

        @Option(help: "SAC updates in total (overrides the preset).")
        var steps: Int?

        @Option(help: "Random seed (default 1, OfflineRL-Kit's).")
        var seed: UInt64?

        @Option(help: "Run directory (default runs/ALGO-DATASET-seedS).", transform: { URL(fileURLWithPath: $0) })
        var out: URL?

        @Flag(help: "Continue the run in --out from its last checkpoint.")
        var resume = false

        @Option(help: "A dynamics.h5 to reuse instead of fitting (written there after a fit when absent).")
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

        func validate() throws {
            do { _ = try OfflineAlgorithm(named: algo) } catch { throw ValidationError("\(error).") }
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
        }

        /// Options → configuration, in the documented order of precedence.
        func makeConfiguration() throws -> OfflineTrainingConfiguration {
            let algorithm = try OfflineAlgorithm(named: algo)
            var c = OfflineTrainingConfiguration(algorithm: algorithm, dataset: dataset, preset: BudgetPreset(rawValue: preset)!)
            if let config { c = try c.applying(json: Data(contentsOf: URL(fileURLWithPath: config))) }
            if let steps { c.totalSteps = steps }
            if let seed { c.seed = seed }
            if let rolloutBatchSize { c.rolloutBatchSize = rolloutBatchSize }
            if let evaluationInterval {
                c.evaluationInterval = evaluationInterval
                c.checkpointInterval = max(c.checkpointInterval / evaluationInterval, 1) * evaluationInterval
            }
            if let evaluationEpisodes { c.evaluationEpisodes = evaluationEpisodes }
            switch algorithm {
            case .mopo:
                if let horizon { c.mopo.rolloutHorizon = horizon }
                if let penalty { c.mopo.penaltyCoefficient = penalty }
                if let realRatio { c.mopo.realRatio = realRatio }
            case .mobile:
                if let horizon { c.mobile.rolloutHorizon = horizon }
                if let penalty { c.mobile.penaltyCoefficient = penalty }
                if let realRatio { c.mobile.realRatio = realRatio }
            }
            try c.validate()
            return c
        }

        func run() throws {
            let c = try makeConfiguration()
            let name = taskKey(c.dataset) + (c.dataset.hasSuffix("-orl") ? "-orl" : "")
            let directory = out ?? URL(fileURLWithPath: "runs/\(c.algorithm.rawValue)-\(name)-seed\(c.seed)")
            let stderr = FileHandle.standardError
            print("\(c.algorithm.rawValue) on \(c.dataset), preset \(c.preset): \(c.totalSteps) updates, h = \(c.rolloutHorizon), " +
                  "penalty \(c.algorithm == .mopo ? c.mopo.penaltyCoefficient : c.mobile.penaltyCoefficient), real ratio \(c.realRatio), seed \(c.seed)")
            print("run directory: \(directory.path)")
            let trainer = try OfflineTrainer(configuration: c, directory: directory, resume: resume, dynamicsCache: dynamics) { line in
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
