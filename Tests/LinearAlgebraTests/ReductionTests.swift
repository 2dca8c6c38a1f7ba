import Testing
import TestSupport
import LinearAlgebra

@Suite("Reductions")
struct ReductionTests {
    static let shapes: [[Int]] = [[1, 6], [6, 1], [4, 5], [3, 4, 5], [2, 3, 1, 4], [9]]

    @Test("axis reductions match the reference", arguments: shapes)
    func axisReductions(dims: [Int]) {
        var rng = RandomGenerator(seed: UInt64(dims.reduce(0, +)))
        let t = randomTensor(dims, &rng, low: -5, high: 5)
        for axis in 0..<dims.count {
            for keep in [false, true] {
                #expect(isClose(t.sum(axis: axis, keepDims: keep), Reference.reduce(t, axis: axis, keepDims: keep) { $0.reduce(0, +) }, rtol: 1e-5, atol: 1e-5))
                #expect(isClose(t.mean(axis: axis, keepDims: keep), Reference.reduce(t, axis: axis, keepDims: keep) { $0.reduce(0, +) / Float($0.count) }, rtol: 1e-5, atol: 1e-5))
                #expect(t.max(axis: axis, keepDims: keep) == Reference.reduce(t, axis: axis, keepDims: keep) { $0.max()! })
                #expect(t.min(axis: axis, keepDims: keep) == Reference.reduce(t, axis: axis, keepDims: keep) { $0.min()! })
                let lse = Reference.reduce(t, axis: axis, keepDims: keep) { v in
                    Float(Foundation_log(v.map { Foundation_exp(Double($0)) }.reduce(0, +)))
                }
                #expect(isClose(t.logSumExp(axis: axis, keepDims: keep), lse, rtol: 1e-5, atol: 1e-5))
            }
            let argmax = t.argmax(axis: axis)
            let ref = Reference.reduce(t, axis: axis, keepDims: false) { v in Float(v.firstIndex(of: v.max()!)!) }
            #expect(argmax == ref.scalars.map { Int($0) })
        }
        // Negative axes count from the end.
        #expect(t.sum(axis: -1) == t.sum(axis: dims.count - 1))
    }

    @Test func logSumExpIsStableForLargeAndInfiniteInputs() {
        let big = Tensor([[1000, 1000], [-Float.infinity, -Float.infinity]])
        let lse = big.logSumExp(axis: 1)
        #expect(isClose(lse.scalars[0], 1000 + Float(Foundation_log(2)), rtol: 1e-6))
        #expect(lse.scalars[1] == -.infinity)
    }

    @Test func wholeTensorReductions() {
        let t = Tensor([[1, -2, 3], [4, 5, -6]])
        #expect(t.sum() == 5)
        #expect(isClose(t.mean(), 5.0 / 6))
        #expect(t.max() == 5 && t.min() == -6)
        #expect(isClose(t.norm(), Float((1 + 4 + 9 + 16 + 25 + 36 as Double).squareRoot())))
        #expect(t.sumOfSquares() == 91)
    }

    /// Counts that end inside a lane group, exactly at a 4,096-element block, and past several blocks.
    @Test("sumOfSquares matches a Double sum", arguments: [0, 3, 8, 13, 4096, 4099, 3 * 4096 + 21])
    func sumOfSquares(count: Int) {
        var rng = RandomGenerator(seed: UInt64(count + 1))
        let t = randomTensor([count], &rng, low: -2, high: 2)
        let reference = t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(isClose(t.sumOfSquares(), Float(reference), rtol: 1e-5, atol: 0))
    }
}
