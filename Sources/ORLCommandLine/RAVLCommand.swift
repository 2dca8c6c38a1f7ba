import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl ravl`: RAVL's own experiments (training runs use `orl train --algo ravl`).
    struct RAVLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ravl",
            abstract: "RAVL's experiments (Sims et al. 2024); train with `orl train --algo ravl`.",
            subcommands: [Toy.self])
    }
}

extension ORL.RAVLCommand {
    /// `orl ravl toy`: the edge-of-reach toy (our stand-in for the paper's edge-of-reach illustration, Sims et al., NeurIPS 2024, §3; see Experiments/ravl-toy).
    struct Toy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The edge-of-reach toy: Base (N = 2, η = 0), Base with oracle patch, and RAVL on a 2-D task with closed-form reachable sets.",
            discussion: "Writes every run (curves, value maps, trajectories) as one JSON file; Experiments/ravl-toy/README.md reads it.")

        @Option(help: "Methods, comma-separated: base, oracle-patch (V*), oracle-patch-policy (V^π), ravl.")
        var methods = "base,oracle-patch,oracle-patch-policy,ravl"

        @Option(help: "Seeds, comma-separated.")
        var seeds = "1"

        @Option(help: "Epochs (rollout phases) per run.")
        var epochs = EdgeOfReachToyConfiguration().epochs

        @Option(help: "SAC updates per epoch.")
        var updatesPerEpoch = EdgeOfReachToyConfiguration().updatesPerEpoch

        @Option(help: "Rollout horizon k.")
        var horizon = EdgeOfReachToy().rolloutHorizon

        @Option(help: "Rollouts start uniformly in [−w, w]² (0: at the origin).")
        var startHalfWidth: Float = 0

        @Option(help: "Reward width: r = exp(−‖s' − g‖² / width) (smaller is sparser).")
        var rewardWidth = EdgeOfReachToy().rewardWidth

        @Option(help: "Reward: goal (reach (0.5, 0)) or progress (move right, like locomotion).")
        var reward = EdgeOfReachToy.Reward.goal.rawValue

        @Option(help: "Rollouts per epoch.")
        var rollouts = EdgeOfReachToyConfiguration().rolloutsPerEpoch

        @Option(help: "Where to write the results JSON.", transform: { URL(fileURLWithPath: $0) })
        var out = URL(fileURLWithPath: "Experiments/ravl-toy/results.json")

        func parsedMethods() throws -> [EdgeOfReachToyMethod] {
            try methods.split(separator: ",").map { name in
                guard let m = EdgeOfReachToyMethod(rawValue: String(name)) else {
                    throw ValidationError("unknown method '\(name)'; known: \(EdgeOfReachToyMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return m
            }
        }

        func parsedSeeds() throws -> [UInt64] {
            try seeds.split(separator: ",").map { text in
                guard let s = UInt64(text) else { throw ValidationError("--seeds: '\(text)' is not a non-negative integer.") }
                return s
            }
        }

        func validate() throws {
            _ = try parsedMethods()
            _ = try parsedSeeds()
            if epochs <= 0 || updatesPerEpoch <= 0 || horizon <= 0 || rollouts <= 0 {
                throw ValidationError("--epochs, --updates-per-epoch, --horizon and --rollouts must be positive.")
            }
            if EdgeOfReachToy.Reward(rawValue: reward) == nil {
                throw ValidationError("unknown reward '\(reward)'; known: \(EdgeOfReachToy.Reward.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if !(rewardWidth > 0 && rewardWidth.isFinite) { throw ValidationError("--reward-width must be positive, got \(rewardWidth).") }
            if !(startHalfWidth >= 0 && startHalfWidth.isFinite) { throw ValidationError("--start-half-width must be ≥ 0, got \(startHalfWidth).") }
        }

        func run() throws {
            var runs = [EdgeOfReachToyRun]()
            for method in try parsedMethods() {
                for seed in try parsedSeeds() {
                    var c = EdgeOfReachToyConfiguration(method: method, seed: seed)
                    c.epochs = epochs
                    c.updatesPerEpoch = updatesPerEpoch
                    c.rolloutsPerEpoch = rollouts
                    c.task.rolloutHorizon = horizon
                    c.task.startHalfWidth = startHalfWidth
                    c.task.rewardWidth = rewardWidth
                    c.task.rewardKind = EdgeOfReachToy.Reward(rawValue: reward)!
                    // Unbuffered, so a long run can be followed through a pipe.
                    let say = { (line: String) in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
                    let run = EdgeOfReachToyExperiment(configuration: c).run(progress: say)
                    say(String(format: "%@ seed %d: %.0f s", method.rawValue, Int(seed), run.wallSeconds))
                    runs.append(run)
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(runs).write(to: out, options: .atomic)
            print("wrote \(out.path)")
        }
    }
}
