import ArgumentParser
import Benchmarks
import Foundation
import OfflineData

extension ORL {
    /// `orl dataset inspect|list|generate|convert|policies`: validate and summarize datasets; show the registry.
    struct Dataset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate, inspect, convert and list D4RL, NeoRL and Minari datasets.",
            subcommands: [Inspect.self, List.self, Generate.self, Convert.self, Policies.self]
        )
    }
}

extension ORL.Dataset {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keys, shapes, dtypes, transitions, episodes, returns, normalized score and every validation problem.")

        @Argument(help: "A file path (.hdf5 or NeoRL .npz), a Minari dataset folder or a registered dataset name.")
        var fileOrName: String

        @Option(help: "Actions must lie in [-b, b] (default: the task's bound when the task is known, e.g. 1 for hopper).")
        var actionBound: Float?

        func run() throws {
            let registry = try DatasetRegistry.standard()
            let (path, entry) = try registry.resolve(fileOrName)
            let data = try DatasetFormat.load(path: path, validation: .report)
            let task = entry?.environment ?? data.metadata["environment"]
            let bound = actionBound ?? task.flatMap(ActionBounds.bound(forEnvironment:))
            print("file: \(path)")
            if let entry { print("registered as: \(entry.name) (\(entry.source), \(entry.environment))") }
            print("keys:")
            for key in data.storedLayout.keys.sorted() { print("  \(key): \(data.storedLayout[key]!)") }
            if !data.metadata.isEmpty {
                print("metadata: " + data.metadata.keys.sorted().map { "\($0)=\(data.metadata[$0]!)" }.joined(separator: ", "))
            }
            let episodes = data.episodes()
            let stats = EpisodeStatistics(episodes)
            print("transitions: \(data.count) (q-learning view: \(data.qlearningTransitions().count))")
            print("episodes: \(stats.count) (terminal \(stats.terminalCount), timeout \(stats.timeoutCount), cut \(stats.cutCount)), mean length \(String(format: "%.1f", stats.meanLength))")
            print(String(format: "returns: mean %.2f, std %.2f, min %.2f, max %.2f", stats.meanReturn, stats.standardDeviation,
                         stats.minReturn, stats.maxReturn))
            if let entry {
                if let score = entry.withReferenceScores(from: data.metadata).normalizedScore(return: stats.meanReturn) {
                    print(String(format: "behaviour policy normalized score: %.2f", score))
                } else {
                    print("behaviour policy normalized score: n/a (no reference returns in the registry or the dataset's metadata)")
                }
                if let expected = entry.transitions, expected != data.count {
                    print("note: the registry expects \(expected) transitions")
                }
            }
            let problems = data.validate(actionBound: bound)
            print(problems.isEmpty ? "validation: no problems" : "validation: \(problems.count) problem(s)")
            for problem in problems { print("  \(problem)") }
            print(bound.map { "actions checked against [-\($0), \($0)]" } ?? "actions not checked: unknown task (use --action-bound)")
            let errors = problems.count(where: { $0.severity == .error })
            if errors > 0 { throw ValidationFailed(count: errors) }
        }
    }

    /// `inspect` found error-level problems: exit status 1 after the listing.
    struct ValidationFailed: Error, CustomStringConvertible {
        var count: Int
        var description: String { "\(count) error-level problem(s): the dataset should not be used for training" }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every registered dataset and whether its file is present locally.")

        @Option(help: "Only datasets from this source: d4rl, neorl, minari or orl.")
        var source: String?

        func run() throws {
            let registry = try DatasetRegistry.standard()
            for entry in registry.entries where source == nil || entry.source == source {
                let local = registry.localPath(for: entry)
                let status = local.map { "present  \($0)" } ?? "missing"
                let size = entry.transitions.map { "\($0)" } ?? "?"
                print("\(entry.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(entry.source.padding(toLength: 6, withPad: " ", startingAt: 0)) N=\(size.padding(toLength: 8, withPad: " ", startingAt: 0)) \(status)")
            }
        }
    }
}

extension ORL.Bench {
    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a 1M-transition halfcheetah-sized D4RL file (ours vs h5py, ratio = h5py/ours); sample 256-batches.")

        @OptionGroup var output: BenchOutputOptions

        @Option(help: "Transitions in the generated file.")
        var transitions = 1_000_000

        func run() throws {
            output.print(try LoadBenchmark(rounds: min(output.rounds, 5), transitions: transitions).run())
        }
    }
}
