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

        @Flag(help: "Use OpenBLAS's own threads instead of splitting products across cores with single-threaded BLAS.")
        var blasThreading = false

        @Option(help: "Also time a filtered rollout and its ratio to the unfiltered one: morec (MOREC's reward-consistent filter).")
        var filter: String?

        @OptionGroup var output: BenchOutputOptions

        func validate() throws {
            guard startStates > 0 else { throw ValidationError("--start-states must be positive, got \(startStates).") }
            guard horizon > 0 else { throw ValidationError("--horizon must be positive, got \(horizon).") }
            guard chunkSize > 0 else { throw ValidationError("--chunk-size must be positive, got \(chunkSize).") }
            if let filter, filter != "morec" { throw ValidationError("--filter: unknown filter '\(filter)'; known: morec.") }
        }

        func run() throws {
            if filter == "morec" {
                var benchmark = MORECRolloutBenchmark(rounds: output.rounds, startStates: startStates, horizon: horizon, chunkSize: chunkSize)
                benchmark.includeMOPO = !noMopo
                output.print(benchmark.run())
                return
            }
            var benchmark = RolloutBenchmark(rounds: output.rounds, startStates: startStates, horizon: horizon, chunkSize: chunkSize)
            benchmark.parallel = !blasThreading
            benchmark.includeMOPO = !noMopo
            output.print(benchmark.run())
        }
    }
}
