import ArgumentParser
import Foundation
import OfflineRL

extension DatasetKind: ExpressibleByArgument {}

/// The layouts `orl dataset generate` writes.
enum GeneratedFormat: String, ExpressibleByArgument, CaseIterable {
    case d4rl, minari
}

extension ORL.Dataset {
    /// `orl dataset generate`: a D4RL-format (or Minari) dataset made with this project's own policies.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a D4RL-format or Minari dataset with this project's environments and behaviour policies.",
            discussion: """
                Kinds follow D4RL's recipe: random (untrained policy), medium (SAC at about 1/3 of the expert's \
                return), expert, medium-replay and full-replay (SAC's replay buffer; need --run), medium-expert. \
                Interrupted generation resumes from its finished chunks (kept in --work). With --format minari the \
                result is a Minari dataset folder (default Datasets/generated/minari/orl/ENV/KIND-v0, id \
                orl/ENV/KIND-v0), which minari.load_dataset opens with MINARI_DATASETS_PATH=Datasets/generated/minari.
                """)

        @Option(help: "Task: halfcheetah, hopper, walker2d (or pointmass).")
        var env: String

        @Option(help: "Dataset kind: \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: DatasetKind

        @Option(help: "Transitions for policy kinds (medium-expert holds this many of each).")
        var transitions: Int = 1_000_000

        @Option(help: "Random seed.")
        var seed: UInt64 = 0

        @Option(help: "Output HDF5 file (default Datasets/generated/ENV-KIND-orl.hdf5), or Minari dataset folder with --format minari.")
        var out: String?

        @Option(help: "Layout: d4rl (one HDF5 file) or minari (a dataset folder with data/main_data.hdf5 and data/metadata.json).")
        var format: GeneratedFormat = .d4rl

        @Option(help: "Minari dataset id with --format minari (default orl/ENV/KIND-v0).")
        var datasetID: String?

        @Option(help: "Folder of behaviour policies (default Datasets/policies, each checked against the registry's SHA-256).")
        var policies: String?

        @Option(name: .customLong("run"), help: "The `orl sac` run whose replay buffer replay kinds read.")
        var runDirectory: String?

        @Option(help: "Folder for resumable work (default: OUT.work).")
        var work: String?

        func validate() throws {
            guard ["halfcheetah", "hopper", "walker2d", "pointmass"].contains(env.lowercased()) else {
                throw ValidationError("unknown task '\(env)'; known: halfcheetah, hopper, walker2d, pointmass.")
            }
            guard transitions > 0 else { throw ValidationError("--transitions must be positive, got \(transitions).") }
        }

        func run() throws {
            let minariID = datasetID ?? "orl/\(env.lowercased())/\(kind.rawValue)-v0"
            let minariOut = out ?? "Datasets/generated/minari/" + minariID
            // A Minari dataset is written from the D4RL file, which is then removed.
            let path = format == .minari ? minariOut + ".d4rl.hdf5"
                : out ?? "Datasets/generated/\(env.lowercased())-\(kind.rawValue)-orl.hdf5"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let registry = try DatasetRegistry.standard()
            var generator = DatasetGenerator(environment: env, kind: kind, transitions: transitions, seed: seed,
                                             policies: URL(fileURLWithPath: policies ?? "Datasets/policies"),
                                             run: runDirectory.map { URL(fileURLWithPath: $0) })
            // The package's own policies must be the registered ones; a folder of your own is not checked.
            if policies == nil {
                generator.policyChecksums = Dictionary(registry.policies.map { ($0.name, $0.sha256) }) { first, _ in first }
            }
            let workURL = URL(fileURLWithPath: work ?? path + ".work")
            let start = monotonicSeconds()
            let dataset = try generator.generate(to: path, workDirectory: workURL) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            try? FileManager.default.removeItem(at: workURL)
            let stats = EpisodeStatistics(dataset.episodes())
            let name = "\(env.lowercased())-\(kind.rawValue)-orl"
            if format == .minari {
                let entry = registry.entries.first { $0.name == name }
                let scores = entry.flatMap { e in e.refMinScore.flatMap { low in e.refMaxScore.map { (min: low, max: $0) } } }
                let meta = try MinariFile.write(dataset, to: minariOut, datasetID: minariID, environment: env, referenceScores: scores,
                                                description: "Generated by swift-offline-rl \(OfflineRLVersion.string) with its own \(kind.rawValue) behaviour data for \(env.lowercased()) (gym v3 / Gymnasium v4 semantics); not D4RL's or Minari's data.")
                try FileManager.default.removeItem(atPath: path)
                print("wrote Minari dataset \(minariOut) (id \(meta.datasetID)): \(meta.totalSteps) steps, \(meta.totalEpisodes) episodes, mean return \(String(format: "%.1f", stats.meanReturn))")
                return
            }
            print("wrote \(path): \(dataset.count) transitions, \(stats.count) episodes, mean return \(String(format: "%.1f", stats.meanReturn)) in \(String(format: "%.1f", monotonicSeconds() - start)) s")
            let sha = try SHA256Checksum.hexDigest(ofFileAt: path)
            print("sha256 \(sha) (OpenBLAS kernels \(BLASRuntime.coreName))")
            if let record = registry.entries.first(where: { $0.name == name })?.checksum,
               record.command == generator.canonicalCommand {
                if record.sha256 == sha {
                    print("matches the registry's checksum of \(name)")
                } else if record.openBLASCore == BLASRuntime.coreName {
                    print("warning: differs from the registry's checksum of \(name) (\(record.sha256)), made with the same kernels")
                } else {
                    print("differs from the registry's checksum of \(name), made with \(record.openBLASCore) kernels; "
                          + "set OPENBLAS_CORETYPE=\(record.openBLASCore) to reproduce it")
                }
            }
        }
    }

    /// `orl dataset policies`: pick the medium and expert actors from an `orl sac --snapshots` run.
    struct Policies: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extract the medium (≈1/3 of expert return) and expert behaviour policies from an `orl sac --snapshots` run.")

        @Option(name: .customLong("run"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "Task name the policies are filed under.")
        var env: String

        @Option(help: "Destination folder.")
        var out: String = "Datasets/policies"

        func run() throws {
            let (medium, expert) = try BehaviourPolicy.extract(run: URL(fileURLWithPath: runDirectory), environment: env.lowercased(),
                                                               into: URL(fileURLWithPath: out))
            for info in [medium, expert] {
                print("\(info.environment)-\(info.role): step \(info.step), evaluation return \(String(format: "%.1f", info.evaluationReturn))")
            }
        }
    }
}
