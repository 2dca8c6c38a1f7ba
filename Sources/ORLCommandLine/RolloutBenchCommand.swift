import ArgumentParser
import Benchmarks

extension ORL.Bench {
    /// `orl bench rollout [--start-states N --horizon H --chunk-size C]`.
    struct Rollout: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollout",
            abstract: "Model rollouts: 50,000 start states × 5 steps of a 7-member 4×200 dynamics ensemble with a 2×256 actor (transitions/s).")

        @Option(help: "Start states per rollout.")
        var startStates = 50_000

        @Option(help: "Rollout horizon.")
        var horizon = 5

        @Option(help: "Start states per chunk.")
        var chunkSize = 2_000

        @Flag(help: "Skip the all-member MOPO rollout.")
        var noMopo = false

        @Option(help: "Also time a filtered rollout and its ratio to the unfiltered one: morec (MOREC's reward-consistent filter).")
        var filter: String?

        @OptionGroup var compute: ComputeBenchOptions

        func validate() throws {
            try requirePositive(startStates, "--start-states")
            try requirePositive(horizon, "--horizon")
            try requirePositive(chunkSize, "--chunk-size")
            if let filter, filter != "morec" { throw ValidationError("--filter: unknown filter '\(filter)'; known: morec.") }
        }

        func run() throws {
            if filter == "morec" {
                var benchmark = MORECRolloutBenchmark(rounds: compute.output.rounds, startStates: startStates, horizon: horizon, chunkSize: chunkSize)
                benchmark.includeMOPO = !noMopo
                compute.output.print(benchmark.run())
                return
            }
            var benchmark = RolloutBenchmark(rounds: compute.output.rounds, startStates: startStates, horizon: horizon, chunkSize: chunkSize)
            benchmark.parallel = compute.parallel
            benchmark.includeMOPO = !noMopo
            compute.output.print(benchmark.run())
        }
    }
}
