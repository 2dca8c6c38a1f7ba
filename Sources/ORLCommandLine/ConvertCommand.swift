import ArgumentParser
import Foundation
import OfflineRL

extension ORL.Dataset {
    /// `orl dataset convert IN OUT`: between D4RL's flat HDF5 layout and Minari's episode folders.
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a dataset between D4RL's HDF5 layout and a Minari dataset folder.",
            discussion: """
                A Minari folder (or registered Minari id) becomes a D4RL-layout file with next_observations, \
                terminals = terminations, timeouts = truncations and metadata/environment. A D4RL file or NeoRL .npz \
                (or registered name) becomes a Minari folder OUT/data/{main_data.hdf5,metadata.json}; it needs \
                next_observations, and a final episode without a flag is written as truncated. minari.load_dataset(ID) \
                finds it when OUT is $MINARI_DATASETS_PATH/ID (default root ~/.minari/datasets).
                """)

        @Argument(help: "The input: a D4RL .hdf5, a NeoRL .npz, a Minari dataset folder, or a registered name.")
        var input: String

        @Argument(help: "The output: a D4RL .hdf5 file (from Minari) or a Minari dataset folder (from D4RL/NeoRL).")
        var output: String

        @Option(help: "Minari dataset id for a Minari output, (namespace/)name-vN (default: orl/INPUT-NAME-v0).")
        var datasetID: String?

        @Option(help: "Task recorded for a Minari output (env_spec and action space): halfcheetah, hopper, walker2d, or with -v5 (default: the input's metadata/environment).")
        var env: String?

        @Flag(help: "Store a D4RL output as float64 (default float32, as D4RL's policy datasets).")
        var float64 = false

        func validate() throws {
            guard input != output else { throw ValidationError("IN and OUT are the same path.") }
        }

        func run() throws {
            let registry = try DatasetRegistry.standard()
            let (path, entry) = try registry.resolve(input)
            let data = try DatasetFormat.load(path: path)
            if DatasetFormat.of(path: path) == .minari {
                var metadata = data.metadata
                metadata["format"] = nil
                metadata["converted_from"] = "minari:" + (data.metadata["dataset_id"] ?? path)
                var converted = data
                converted.metadata = metadata
                try D4RLFile.write(converted, to: output, floatType: float64 ? .float64 : .float32)
                print("wrote \(output): D4RL layout, \(data.count) transitions from \(data.metadata["total_episodes"] ?? "?") Minari episodes")
            } else {
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    .replacingOccurrences(of: #"[^-_A-Za-z0-9]"#, with: "_", options: .regularExpression)
                let id = datasetID ?? "orl/\(name)-v0"
                let scores = entry.flatMap { e in e.refMinScore.flatMap { low in e.refMaxScore.map { (min: low, max: $0) } } }
                let meta = try MinariFile.write(data, to: output, datasetID: id, environment: env ?? entry?.environment,
                                                referenceScores: scores,
                                                description: "Converted by swift-offline-rl \(OfflineRLVersion.string) from \((path as NSString).lastPathComponent).")
                print("wrote \(output): Minari dataset '\(meta.datasetID)', \(meta.totalEpisodes) episodes, \(meta.totalSteps) steps"
                      + (meta.environmentSpec == nil ? " (no env_spec: unknown task)" : ""))
            }
        }
    }
}
