import Testing
import NeuralNetworks

/// `Tensor.parallelGemm`, the product every layer uses: splitting by members, by rows, and the
/// mixed split (whole members, then the leftover member's rows) must all equal `Tensor.gemm`.
@Suite("Parallel GEMM")
struct ParallelGemmTests {
    @Test("every split agrees with Tensor.gemm, with transposes, shared operands and accumulation")
    func agreesWithGemm() {
        var rng = RandomGenerator(seed: 1)
        let cases: [(TensorShape, TensorShape, Bool, Bool)] = [
            ([256, 64], [64, 48], false, false), ([64, 256], [64, 48], true, false),     // rows
            ([4, 128, 32], [4, 32, 16], false, false),                                // members, even
            ([7, 128, 32], [7, 32, 16], false, false), ([7, 32, 128], [7, 16, 32], true, true),  // mixed
            ([3, 96, 20], [20, 8], false, false),                                     // shared, tall
            ([96, 20], [5, 20, 8], false, false), ([5, 96, 20], [5, 96, 8], true, false),
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
