import ArgumentParser
import Benchmarks
import OfflineRL

extension ORL {
    /// `orl bench WORKLOAD [--json]`: performance, reported as ratios to a peak measured in the same run.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure performance; ratios are relative to this machine's sgemm peak, measured in the same run.",
            subcommands: [Gemm.self, Env.self, Load.self, SACUpdate.self, MOBILEUpdate.self, DynamicsStep.self, DynamicsFit.self, Rollout.self, Train.self]
        )
    }
}

/// How the network benchmarks use the cores, and their output.
struct ComputeBenchOptions: ParsableArguments {
    @Flag(help: "Use OpenBLAS's own threads instead of splitting products across cores with single-threaded BLAS.")
    var blasThreading = false

    @OptionGroup var output: BenchOutputOptions

    /// Whether products are split across cores (the library's default).
    var parallel: Bool { !blasThreading }
}

/// Output options shared by every benchmark.
struct BenchOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed rounds per workload; the median is reported.")
    var rounds = 9

    func validate() throws {
        try requirePositive(rounds, "--rounds")
    }

    func print(_ results: [BenchmarkResult]) {
        if json {
            for r in results { Swift.print(r.jsonLine) }
            return
        }
        Swift.print(BenchmarkTable.render(results))
    }
}

extension ORL.Bench {
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "sgemm through the raw shim and the Tensor API: 256³, 1024³ and 7 × (256×200 · 200×200).")

        @OptionGroup var output: BenchOutputOptions

        func run() throws {
            output.print(GemmBenchmark(rounds: output.rounds).run())
        }
    }
}
