import Testing
import TestSupport
import LinearAlgebra

@Suite("Matrix products")
struct MatmulTests {
    /// (m, k, n) including 1×n, n×1, non-square and the ensemble layer shape.
    static let sizes: [(Int, Int, Int)] = [(1, 1, 1), (1, 7, 5), (5, 7, 1), (7, 1, 5), (3, 4, 5), (17, 23, 11), (64, 200, 33)]

    @Test("all four transpose combinations match the reference", arguments: sizes.indices)
    func plainProducts(index: Int) {
        let (m, k, n) = Self.sizes[index]
        var rng = RandomGenerator(seed: UInt64(index))
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randomTensor(ta ? [k, m] : [m, k], &rng), b = randomTensor(tb ? [n, k] : [k, n], &rng)
                let got = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                #expect(got.shape == [m, n])
                #expect(isClose(got, Reference.matmul(a, b, ta, tb), rtol: 1e-4, atol: 1e-4), "\(m)x\(k)x\(n) ta=\(ta) tb=\(tb)")
            }
        }
    }

    @Test func ensembleProductsMatchPerMemberProducts() {
        var rng = RandomGenerator(seed: 5)
        let e = 4, m = 6, k = 5, n = 3
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randomTensor(ta ? [e, k, m] : [e, m, k], &rng), b = randomTensor(tb ? [e, n, k] : [e, k, n], &rng)
                let got = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                #expect(got.shape == [e, m, n])
                for i in 0..<e {
                    let ref = Reference.matmul(Reference.member(a, i), Reference.member(b, i), ta, tb)
                    #expect(isClose(Reference.member(got, i), ref, rtol: 1e-4, atol: 1e-4))
                }
                // Shared right operand [k, n] and shared left operand [m, k].
                let w = randomTensor(tb ? [n, k] : [k, n], &rng)
                let shared = a.matmul(w, transposeSelf: ta, transposeOther: tb)
                let x = randomTensor(ta ? [k, m] : [m, k], &rng)
                let sharedLeft = x.matmul(b, transposeSelf: ta, transposeOther: tb)
                for i in 0..<e {
                    #expect(isClose(Reference.member(shared, i), Reference.matmul(Reference.member(a, i), w, ta, tb), rtol: 1e-4, atol: 1e-4))
                    #expect(isClose(Reference.member(sharedLeft, i), Reference.matmul(x, Reference.member(b, i), ta, tb), rtol: 1e-4, atol: 1e-4))
                }
            }
        }
    }

    @Test func gemmAccumulatesWithAlphaAndBeta() {
        var rng = RandomGenerator(seed: 9)
        let a = randomTensor([4, 3], &rng), b = randomTensor([3, 5], &rng)
        let start = randomTensor([4, 5], &rng)
        var c = start
        let alias = c
        Tensor.gemm(a, b, into: &c, alpha: 2, beta: 0.5)
        #expect(isClose(c, Reference.matmul(a, b, false, false) * 2 + start * 0.5, rtol: 1e-4, atol: 1e-4))
        #expect(alias == start, "gemm must not write into a buffer shared with another tensor")
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let a = Tensor.zeros([3, 0]), b = Tensor.zeros([0, 2])
        #expect(a.matmul(b) == Tensor.zeros([3, 2]))
    }

    @Test func innerDimensionMismatchNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("[2, 3]") && message.contains("[4, 5]"))
        }
    }
}
