import ArgumentParser
import Benchmarks
import OfflineRL

extension ORL.Bench {
    /// `orl bench sac-update --critics N [--eta E]`.
    struct SACUpdate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sac-update",
            abstract: "One full SAC-N update (EDAC with --eta > 0): obs 17, action 6, batch 256, 3×256 critics and actor.")

        @Option(help: "Critic ensemble size N.")
        var critics = 10

        @Option(help: "EDAC diversity coefficient η (0 gives SAC-N).")
        var eta: Float = 0

        @Option(help: "Updates per timed round.")
        var updates = 10

        @OptionGroup var compute: ComputeBenchOptions

        func validate() throws {
            guard critics >= 2 else { throw ValidationError("--critics must be at least 2, got \(critics).") }
            guard eta >= 0 else { throw ValidationError("--eta must be non-negative, got \(eta).") }
            try requirePositive(updates, "--updates")
        }

        func run() throws {
            var benchmark = SACUpdateBenchmark(critics: critics, eta: eta, rounds: compute.output.rounds, updatesPerRound: updates)
            benchmark.parallel = compute.parallel
            compute.output.print(benchmark.run())
        }
    }

    /// `orl bench mobile-update`.
    struct MOBILEUpdate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mobile-update",
            abstract: "One MOBILE update on hopper widths (10 samples × 5 elites × 243 model rows for the penalty), beside the plain SAC update and the penalty alone.")

        @Option(help: "Updates per timed round.")
        var updates = 3

        @OptionGroup var compute: ComputeBenchOptions

        func validate() throws {
            try requirePositive(updates, "--updates")
        }

        func run() throws {
            var benchmark = MOBILEUpdateBenchmark(rounds: compute.output.rounds, updatesPerRound: updates)
            benchmark.parallel = compute.parallel
            compute.output.print(benchmark.run())
        }
    }

    /// `orl bench dynamics-step`.
    struct DynamicsStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dynamics-step",
            abstract: "One training step of a 7-member 4×200 SiLU dynamics ensemble (Gaussian NLL, batch 256; AdamW, or Adam with the decay in the loss).")

        @Option(help: "Steps per timed round.")
        var steps = 20

        @Option(name: .customLong("weight-decay"),
                help: "decoupled (AdamW: the JAX workload's) or loss (½·decay·ΣW² in the loss with Adam: OfflineRL-Kit's and orl train's).")
        var weightDecay: WeightDecayStyle = .decoupled

        @OptionGroup var compute: ComputeBenchOptions

        func validate() throws {
            try requirePositive(steps, "--steps")
        }

        func run() throws {
            var benchmark = DynamicsStepBenchmark(rounds: compute.output.rounds, stepsPerRound: steps)
            benchmark.parallel = compute.parallel
            benchmark.weightDecayStyle = weightDecay
            compute.output.print(benchmark.run())
        }
    }
}

extension ORL.Bench {
    /// `orl bench dynamics-fit [--transitions N --epochs E]`.
    struct DynamicsFit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dynamics-fit",
            abstract: "Whole epochs of the dynamics fit (7 members, 4×200, batch 256, holdout included) on a 1M-row synthetic dataset: seconds per epoch and its FLOP ratio.")

        @Option(help: "Rows of the synthetic dataset.")
        var transitions = 1_000_000

        @Option(help: "Epochs run; all but the first (which also splits and scales) are timed.")
        var epochs = 2

        @OptionGroup var output: BenchOutputOptions

        func validate() throws {
            try requirePositive(transitions, "--transitions")
            guard epochs >= 2 else { throw ValidationError("--epochs must be at least 2 (the first is not timed), got \(epochs).") }
        }

        func run() throws {
            output.print(try DynamicsFitBenchmark(transitions: transitions, epochs: epochs).run())
        }
    }
}

