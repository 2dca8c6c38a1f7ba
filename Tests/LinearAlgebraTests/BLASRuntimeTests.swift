import Testing
import TestSupport
import Benchmarks
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

@Suite("OpenBLAS kernel selection")
struct BLASRuntimeTests {
    /// The start-up rule in every environment: never kernels the CPU lacks; AVX-512 kernels where
    /// the CPU has them unless the user chose (`OPENBLAS_CORETYPE`); and applying the rule again
    /// changes nothing (it already ran, or the user's choice is kept).
    @Test func startupSelectionFollowsTheRule() {
        let core = BLASRuntime.coreName.lowercased()
        let avx512Families = ["skylakex", "cooperlake", "sapphirerapids"]
        #expect(!core.isEmpty)
        if !BLASRuntime.cpuSupportsAVX512 {
            #expect(!avx512Families.contains(core), "AVX-512 kernels on a CPU without AVX-512")
        } else if !BLASRuntime.userChoseCore && getenv("ORL_BLAS_AUTOTUNE").map({ String(cString: $0) }) != "0" {
            #expect(avx512Families.contains(core), "active kernels: \(core)")
        }
        if getenv("ORL_BLAS_AUTOTUNE").map({ String(cString: $0) }) != "0" {
            #expect(!BLASRuntime.upgradeKernels(), "the start-up rule should already have run")
            #expect(BLASRuntime.coreName.lowercased() == core)
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
    /// to SkylakeX, computes the same products, and is idempotent. Where the CPU lacks AVX-512 or
    /// the user chose the kernels, the rule must leave the kernels alone.
    @Test func upgradeRuleMovesOffHaswellOnlyWhereItShould() async {
        await #expect(processExitsWith: .success) {
            let start = BLASRuntime.coreName
            if !BLASRuntime.cpuSupportsAVX512 || BLASRuntime.userChoseCore {
                exit(BLASRuntime.upgradeKernels() || BLASRuntime.coreName != start ? 20 : 0)
            }
            var rng = RandomGenerator(seed: 1)
            let a = Tensor.normal([256, 256], rng: &rng), b = Tensor.normal([256, 256], rng: &rng)
            guard BLASRuntime.selectCore("Haswell"), BLASRuntime.coreName == "Haswell" else { exit(10) }
            let slow = a.matmul(b)
            guard BLASRuntime.upgradeKernels(), BLASRuntime.coreName == "SkylakeX" else { exit(11) }
            let fast = a.matmul(b)
            if maxAbsDifference(slow, fast) > 1e-3 { exit(12) }
            // A second call changes nothing: the rule is idempotent.
            if BLASRuntime.upgradeKernels() { exit(13) }
            exit(0)
        }
    }
}
