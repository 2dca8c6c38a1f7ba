import Testing
import NeuralNetworks

/// `Tensor.parallelGemm`, the product every layer uses: splitting by members, by rows, and the
/// mixed split (whole members, then the leftover member's rows) must all equal `Tensor.gemm`.
@Suite("Parallel GEMM")
struct ParallelGemmTests {
    /// Shapes scale with the worker count so that each case is past the split thresholds of
    /// `Tensor.parallelGemm` on any machine (rows ≥ 32 per worker; members ≥ workers).
    @Test("every split agrees with Tensor.gemm, with transposes, shared operands and accumulation",
          .enabled(if: ParallelGemm.workers > 1, "one usable CPU: products are never split"))
    func agreesWithGemm() {
        var rng = RandomGenerator(seed: 1)
        let w = ParallelGemm.workers, r = 64 * w, even = 2 * w, odd = 2 * w + 1
        let cases: [(TensorShape, TensorShape, Bool, Bool)] = [
            ([r, 64], [64, 48], false, false), ([64, r], [64, 48], true, false),          // rows
            ([even, 128, 32], [even, 32, 16], false, false),                             // members, even
            ([odd, 128, 32], [odd, 32, 16], false, false), ([odd, 32, 128], [odd, 16, 32], true, true),  // mixed
            ([3, r, 20], [20, 8], false, false),                                         // shared, tall
            ([r, 20], [odd, 20, 8], false, false), ([odd, 96, 20], [odd, 96, 8], true, false),
        ]
        for (sa, sb, ta, tb) in cases {
            let a = Tensor.normal(sa, rng: &rng), b = Tensor.normal(sb, rng: &rng)
            let reference = a.matmul(b, transposeSelf: ta, transposeOther: tb)
            var out = Tensor.zeros(reference.shape)
            Tensor.parallelGemm(a, b, into: &out, transposeA: ta, transposeB: tb, split: true)
            #expect(maxAbs(out - reference) < 1e-4, "\(sa)\(ta ? "ᵀ" : "") · \(sb)\(tb ? "ᵀ" : "")")
            var accumulated = reference
            Tensor.parallelGemm(a, b, into: &accumulated, transposeA: ta, transposeB: tb, alpha: 2, beta: 1, split: true)
            #expect(maxAbs(accumulated - reference * 3) < 1e-3)
        }
    }
}
