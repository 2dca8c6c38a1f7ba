import ArgumentParser
import OfflineRL

/// `orl`: the command line of swift-offline-rl.
public struct ORL: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orl",
        abstract: "Offline model-based reinforcement learning in Swift.",
        version: OfflineRLVersion.string,
        subcommands: [Demo.self, Train.self, Evaluate.self, Reproduce.self, Results.self, SAC.self, Dataset.self, Bench.self,
                      MOREC.self, RAVLCommand.self]
    )

    /// Creates the root command (the argument parser's requirement).
    public init() {}
}
