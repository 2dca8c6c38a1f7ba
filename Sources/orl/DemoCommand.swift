import ArgumentParser
import Benchmarks
import OfflineRL

extension ORL {
    /// `orl demo`: the main job on a built-in default. For now: the linear-algebra self-check and
    /// the gemm benchmark; it grows into dataset → model → MOPO → score as the library does.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the built-in demonstration: a linear-algebra self-check and the gemm benchmark.")

        @Option(help: "Random seed for the self-check.")
        var seed: UInt64 = 0

        func run() throws {
            print("swift-offline-rl \(OfflineRLVersion.string)")
            print("OpenBLAS kernels: \(BLASRuntime.coreName) (AVX-512 available: \(BLASRuntime.cpuSupportsAVX512)), threads: \(BLASRuntime.threads)")
            print("\n== Linear-algebra self-check ==")
            let checks = SelfCheck.run(seed: seed)
            for c in checks { print(c.line) }
            print("\n== gemm benchmark ==")
            print(BenchmarkTable.render(GemmBenchmark(rounds: 5).run()))
            guard checks.allSatisfy(\.passed) else {
                print("\nSelf-check FAILED")
                throw ExitCode.failure
            }
            print("\nAll \(checks.count) self-checks passed.")
        }
    }
}
