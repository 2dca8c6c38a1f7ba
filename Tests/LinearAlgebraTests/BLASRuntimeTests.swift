import Testing
import TestSupport
import Benchmarks
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

@Suite("OpenBLAS kernel selection")
struct BLASRuntimeTests {
    @Test func startupSelectionUsesAVX512KernelsWhereTheCPUHasThem() {
        let core = BLASRuntime.coreName.lowercased()
        if BLASRuntime.cpuSupportsAVX512 && !BLASRuntime.userChoseCore {
            #expect(["skylakex", "cooperlake", "sapphirerapids"].contains(core), "active kernels: \(core)")
        }
        if !BLASRuntime.cpuSupportsAVX512 {
            #expect(!["skylakex", "cooperlake", "sapphirerapids"].contains(core), "AVX-512 kernels on a CPU without AVX-512")
        }
    }

    @Test func refusesKernelsTheCPULacksAndUnknownNames() async {
        // Runs in a child process: switching kernels is not safe while other tests run BLAS.
        await #expect(processExitsWith: .success) {
            if !BLASRuntime.cpuSupportsAVX512 && BLASRuntime.selectCore("SkylakeX") { exit(1) }
            if BLASRuntime.selectCore("NoSuchCore") { exit(2) }
            exit(0)
        }
    }

    /// The Zen 5 case of the issue: OpenBLAS starts on Haswell kernels although the CPU has
    /// AVX-512. Simulate it by selecting Haswell, apply the start-up rule, and check that it moves
    /// to SkylakeX, computes the same products, and is not slower (measured in alternation).
    @Test func upgradeRuleMovesOffHaswellAndIsNotSlower() async {
        await #expect(processExitsWith: .success) {
            guard BLASRuntime.cpuSupportsAVX512, !BLASRuntime.userChoseCore else { exit(0) }
            var rng = RandomGenerator(seed: 1)
            let a = Tensor.normal([512, 512], rng: &rng), b = Tensor.normal([512, 512], rng: &rng)
            guard BLASRuntime.selectCore("Haswell"), BLASRuntime.coreName == "Haswell" else { exit(10) }
            let slow = a.matmul(b)
            guard BLASRuntime.upgradeKernels(), BLASRuntime.coreName == "SkylakeX" else { exit(11) }
            let fast = a.matmul(b)
            if maxAbsDifference(slow, fast) > 1e-3 { exit(12) }
            // A second call changes nothing: the rule is idempotent.
            if BLASRuntime.upgradeKernels() { exit(13) }
            let times = Timing.interleavedMedians(rounds: 7, calls: [5, 5], [
                { _ = BLASRuntime.selectCore("Haswell"); _ = a.matmul(b) },
                { _ = BLASRuntime.selectCore("SkylakeX"); _ = a.matmul(b) },
            ])
            // Zen 5: about 2x faster; Zen 4 (double-pumped AVX-512): about equal. Never much slower.
            exit(times[1] <= times[0] / 0.8 ? 0 : 14)
        }
    }
}
