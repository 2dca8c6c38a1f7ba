import Testing
import TestSupport
import LinearAlgebra

@Suite("Elementwise arithmetic and broadcasting")
struct ElementwiseTests {
    /// Shape pairs covering equal shapes, scalars, rows, columns, 1×n, n×1 and ensemble broadcasts.
    static let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 4], [1, 4]), ([3, 4], [3, 1]), ([1, 5], [5, 1]),
        ([5, 1], [1, 5]), ([1, 7], [1, 7]), ([7, 1], [7, 1]), ([3, 4], []), ([], [2, 3]),
        ([2, 3, 4], [3, 4]), ([2, 3, 4], [2, 1, 4]), ([2, 3, 4], [2, 3, 1]), ([2, 1, 4], [1, 3, 1]),
        ([4], [4]), ([6], [1]), ([2, 2, 3, 4], [3, 1]), ([2, 1, 3, 1], [1, 5, 1, 4]),
    ]

    @Test("binary ops match the reference on broadcast shapes", arguments: shapePairs.indices)
    func binaryOps(pair: Int) {
        var rng = RandomGenerator(seed: UInt64(pair))
        let (sa, sb) = Self.shapePairs[pair]
        let a = randomTensor(sa, &rng), b = randomTensor(sb, &rng, low: 0.5, high: 2)
        #expect(isClose(a + b, Reference.binary(a, b, +)))
        #expect(isClose(a - b, Reference.binary(a, b, -)))
        #expect(isClose(a * b, Reference.binary(a, b, *)))
        #expect(isClose(a / b, Reference.binary(a, b, /)))
        #expect(isClose(Tensor.minimum(a, b), Reference.binary(a, b) { min($0, $1) }))
        #expect(isClose(Tensor.maximum(a, b), Reference.binary(a, b) { max($0, $1) }))
    }

    @Test func scalarOperandsAndCompoundAssignment() {
        var rng = RandomGenerator(seed: 3)
        let a = randomTensor([4, 3], &rng)
        #expect(isClose(a + 2, a.map { $0 + 2 }))
        #expect(isClose(2 - a, a.map { 2 - $0 }))
        #expect(isClose(a * 3, 3 * a))
        #expect(isClose(1 / (a.abs() + 1), (a.abs() + 1).map { 1 / $0 }))
        #expect(isClose(-a, a.map { -$0 }))
        var b = a
        b += Tensor.ones([3])
        #expect(isClose(b, a + 1))
        b -= 1
        b *= Tensor([[2], [2], [2], [2]])
        #expect(isClose(b, a * 2))
        b /= 2
        #expect(isClose(b, a))
        var c = a
        c.addScaled(a, alpha: 0.5)
        #expect(isClose(c, a * 1.5))
    }

    @Test func compoundAssignmentThatGrowsTheShape() {
        var row = Tensor([1, 2, 3])
        row += Tensor([[10], [20]])
        #expect(row == Tensor([[11, 12, 13], [21, 22, 23]]))
    }

    @Test func broadcastShapeRule() {
        #expect(TensorShape.broadcast([3, 1], [1, 4]) == [3, 4])
        #expect(TensorShape.broadcast([7, 256, 1], [200]) == [7, 256, 200])
        #expect(TensorShape.broadcast([], [2, 2]) == [2, 2])
    }

    @Test func mismatchedShapesStopWithBothShapesNamed() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]) + Tensor.zeros([3, 5])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("[3, 4]") && message.contains("[3, 5]"))
        }
    }
}

@Suite("Unary math")
struct UnaryMathTests {
    @Test func unaryOpsMatchScalarFunctions() {
        var rng = RandomGenerator(seed: 11)
        for dims in [[1, 9], [9, 1], [3, 5], [2, 3, 4], [17]] {
            let x = randomTensor(dims, &rng, low: -30, high: 30)
            let pos = randomTensor(dims, &rng, low: 0.01, high: 5)
            for (got, f) in [
                (x.exp(), { (v: Float) in Float(Foundation_exp(Double(v))) }),
                (x.tanh(), { Float(Foundation_tanh(Double($0))) }),
                (x.sigmoid(), { Float(1 / (1 + Foundation_exp(-Double($0)))) }),
                (x.softplus(), { Float(Foundation_log1p(Foundation_exp(Double($0)))) }),
                (x.silu(), { Float(Double($0) / (1 + Foundation_exp(-Double($0)))) }),
                (x.relu(), { max($0, 0) }),
                (x.abs(), { abs($0) }),
                (x.square(), { $0 * $0 }),
                (x.clamped(min: -1, max: 2), { min(max($0, -1), 2) }),
            ] as [(Tensor, (Float) -> Float)] {
                #expect(isClose(got, x.map(f), rtol: 1e-5, atol: 1e-6), "for \(dims)")
            }
            #expect(isClose(pos.log(), pos.map { Float(Foundation_log(Double($0))) }))
            #expect(isClose(pos.sqrt(), pos.map { Float(Double($0).squareRoot()) }))
            #expect(isClose(pos.pow(1.5), pos.map { Float(Foundation_pow(Double($0), 1.5)) }))
        }
    }

    @Test func stableFormsDoNotOverflow() {
        let extreme = Tensor([-1000, -90, 0, 90, 1000])
        #expect(extreme.sigmoid().isFinite)
        #expect(extreme.softplus().isFinite)
        #expect(extreme.softplus().scalars[4] == 1000)
        #expect(extreme.sigmoid().scalars[0] == 0 && extreme.sigmoid().scalars[4] == 1)
        #expect(!Tensor([1, .nan]).isFinite)
    }
}

#if canImport(Glibc)
import Glibc
func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
func Foundation_log1p(_ x: Double) -> Double { Glibc.log1p(x) }
func Foundation_tanh(_ x: Double) -> Double { Glibc.tanh(x) }
func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#endif
