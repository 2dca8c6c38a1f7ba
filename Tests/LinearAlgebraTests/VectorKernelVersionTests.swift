import CArmadillo
import Testing
import LinearAlgebra

/// The C++ elementwise kernels exist in AVX-512, AVX2 and baseline versions, one chosen at load
/// time; results must not depend on which (training is bit-reproducible across machines only if
/// they agree). Every version this CPU can run is compared bit for bit with the baseline, on
/// lengths with vector tails and on values that reach the clamps of the exponential.
@Suite("Vector kernel versions")
struct VectorKernelVersionTests {
    /// Outputs of one version on one input set.
    struct Outputs {
        var silu: [UInt32], sigmoid: [UInt32], p: [UInt32], m: [UInt32], v: [UInt32], out: [UInt32], sums: [UInt32]
    }

    static func run(version: Int32, relu: Bool, rows: Int, width: Int, stride: Int, seed: UInt64) -> Outputs? {
        var rng = RandomGenerator(seed: seed)
        let count = rows * stride
        // Pre-activations from −100 to 100 (beyond the exponential's clamps at −87 and 88).
        var c = Tensor.uniform([count], low: -100, high: 100, rng: &rng).scalars
        var sigmoid = [Float](repeating: 0, count: count)
        let g = Tensor.normal([count], rng: &rng).scalars
        var p = Tensor.normal([count], rng: &rng).scalars
        var m = Tensor.normal([count], std: 0.1, rng: &rng).scalars
        var v = Tensor.uniform([count], low: 0, high: 1, rng: &rng).scalars
        let bg = Tensor.normal([count], rng: &rng).scalars
        let by = Tensor.normal([count], rng: &rng).scalars
        let bs = Tensor.uniform([count], low: 0, high: 1, rng: &rng).scalars
        var out = [Float](repeating: 0, count: count)
        var sums = [Float](repeating: 0, count: width)
        let ran = orl_vector_kernels_version(version, &c, &sigmoid, count, g, &p, &m, &v, count,
                                             relu ? 1 : 0, bg, by, bs, &out, &sums, rows, width, stride)
        guard ran == 1 else { return nil }
        let bits = { (x: [Float]) in x.map(\.bitPattern) }
        // Columns past `width` are not the kernel's to write.
        let written = (0..<rows).flatMap { r in out[(r * stride)..<(r * stride + width)] }
        return Outputs(silu: bits(c), sigmoid: bits(sigmoid), p: bits(p), m: bits(m), v: bits(v),
                       out: bits(written), sums: bits(sums))
    }

    @Test("AVX-512 and AVX2 give the baseline's bits", arguments: [(false, 37, 100, 200), (true, 5, 23, 23), (false, 256, 13, 13)])
    func versionsAgree(relu: Bool, rows: Int, width: Int, stride: Int) throws {
        let baseline = try #require(Self.run(version: 0, relu: relu, rows: rows, width: width, stride: stride, seed: 11))
        var compared = 0
        for version: Int32 in [1, 2] {
            guard let other = Self.run(version: version, relu: relu, rows: rows, width: width, stride: stride, seed: 11) else { continue }
            for (name, a, b) in [("silu", other.silu, baseline.silu), ("sigmoid", other.sigmoid, baseline.sigmoid),
                                 ("p", other.p, baseline.p), ("m", other.m, baseline.m), ("v", other.v, baseline.v),
                                 ("backward", other.out, baseline.out), ("sums", other.sums, baseline.sums)] {
                let differing = zip(a, b).filter { $0 != $1 }.count
                #expect(differing == 0, "version \(version), \(name): \(differing) of \(a.count) values differ (relu \(relu), \(rows)×\(width))")
            }
            compared += 1
        }
        // The machines this project runs on all have AVX2, so the comparison is never empty there.
        #expect(compared >= 1 || orl_cpu_supports_avx2() == 0)
    }
}
