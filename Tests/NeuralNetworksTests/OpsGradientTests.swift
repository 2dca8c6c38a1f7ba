import Testing
import NeuralNetworks

/// First-order finite-difference checks for every differentiable operation.
@Suite("Operation gradients (finite differences)")
struct OpsGradientTests {
    let check = GradientCheck()

    func random(_ shape: TensorShape, seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, rng: &rng)
    }

    func awayFromZero(_ shape: TensorShape, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return NeuralNetworksTests.awayFromZero(shape, rng: &rng)
    }

    @Test("broadcasting add, sub, mul, div")
    func arithmetic() {
        let shapes: [(TensorShape, TensorShape)] = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 3, 4], [2, 1, 4]),
                                                   ([3, 1], [1, 4]), ([3, 4], [])]
        for (sa, sb) in shapes {
            let a = random(sa, seed: 1), b = random(sb, seed: 2, low: 0.5, high: 2)
            #expect(check.worstError([a, b]) { $0[0] + $0[1] } <= 1, "add \(sa) \(sb)")
            #expect(check.worstError([a, b]) { $0[0] - $0[1] } <= 1, "sub \(sa) \(sb)")
            #expect(check.worstError([a, b]) { $0[0] * $0[1] } <= 1, "mul \(sa) \(sb)")
            #expect(check.worstError([a, b]) { $0[0] / $0[1] } <= 1, "div \(sa) \(sb)")
            #expect(check.worstError([b, a]) { $0[0] / $0[1].exp() } <= 1, "div reversed \(sa) \(sb)")
        }
    }

    @Test("scalar arithmetic and negation")
    func scalars() {
        let a = random([3, 5], seed: 3, low: 0.5, high: 2)
        #expect(check.worstError([a]) { -$0[0] } <= 1)
        #expect(check.worstError([a]) { $0[0] * 3 + 2 } <= 1)
        #expect(check.worstError([a]) { 2 - $0[0] / 4 } <= 1)
        #expect(check.worstError([a]) { 2 / $0[0] } <= 1)
    }

    @Test("unary math: exp, log, sqrt, square, pow, abs")
    func unary() {
        let a = random([4, 3], seed: 4, low: 0.3, high: 2)
        let s = awayFromZero([4, 3], seed: 5)
        #expect(check.worstError([s]) { $0[0].exp() } <= 1)
        #expect(check.worstError([a]) { $0[0].log() } <= 1)
        #expect(check.worstError([a]) { $0[0].sqrt() } <= 1)
        #expect(check.worstError([s]) { $0[0].square() } <= 1)
        #expect(check.worstError([a]) { $0[0].pow(1.7) } <= 1)
        #expect(check.worstError([a]) { $0[0].pow(-0.5) } <= 1)
        #expect(check.worstError([s]) { $0[0].abs() } <= 1)
    }

    @Test("activations: tanh, sigmoid, relu, silu, softplus, clamp")
    func activations() {
        let x = awayFromZero([5, 4], seed: 6).map { $0 * 3 }
        #expect(check.worstError([x]) { $0[0].tanh() } <= 1)
        #expect(check.worstError([x]) { $0[0].sigmoid() } <= 1)
        #expect(check.worstError([x]) { $0[0].relu() } <= 1)
        #expect(check.worstError([x]) { $0[0].silu() } <= 1)
        #expect(check.worstError([x]) { $0[0].softplus() } <= 1)
        let y = x.map { Swift.abs(Swift.abs($0) - 1) < 0.05 ? $0 + 0.2 : $0 }
        #expect(check.worstError([y]) { $0[0].clamped(min: -1, max: 1) } <= 1)
    }

    @Test("elementwise minimum and maximum, and min/max along an axis")
    func extrema() {
        let a = random([3, 4], seed: 7), b = random([3, 4], seed: 8), row = random([4], seed: 9)
        #expect(check.worstError([a, b]) { Variable.minimum($0[0], $0[1]) } <= 1)
        #expect(check.worstError([a, b]) { Variable.maximum($0[0], $0[1]) } <= 1)
        #expect(check.worstError([a, row]) { Variable.minimum($0[0], $0[1]) } <= 1)
        let q = random([5, 6, 1], seed: 10)   // a critic ensemble [N, B, 1]
        #expect(check.worstError([q]) { $0[0].min(axis: 0) } <= 1)
        #expect(check.worstError([q]) { $0[0].max(axis: 1, keepDims: true) } <= 1)
        #expect(check.worstError([a]) { $0[0].max(axis: -1) } <= 1)
    }

    @Test("sum and mean along axes and overall, logsumexp")
    func reductions() {
        let x = random([2, 3, 4], seed: 11)
        for axis in 0..<3 {
            #expect(check.worstError([x]) { $0[0].sum(axis: axis) } <= 1)
            #expect(check.worstError([x]) { $0[0].mean(axis: axis, keepDims: true) } <= 1)
            #expect(check.worstError([x]) { $0[0].logSumExp(axis: axis) } <= 1)
        }
        #expect(check.worstError([x]) { $0[0].sum() } <= 1)
        #expect(check.worstError([x]) { $0[0].mean() } <= 1)
        #expect(check.worstError([x]) { $0[0].broadcast(to: [3, 2, 3, 4]) } <= 1)
        #expect(check.worstError([x]) { $0[0].sum(toShape: [3, 1]) } <= 1)
    }

    @Test("matmul with transposes, ensembles and shared operands")
    func matmul() {
        let cases: [(TensorShape, TensorShape, Bool, Bool)] = [
            ([3, 4], [4, 5], false, false), ([4, 3], [4, 5], true, false), ([3, 4], [5, 4], false, true),
            ([4, 3], [5, 4], true, true), ([2, 3, 4], [2, 4, 5], false, false), ([2, 4, 3], [2, 5, 4], true, true),
            ([2, 3, 4], [4, 5], false, false), ([3, 4], [2, 4, 5], false, false), ([2, 4, 3], [4, 5], true, false),
            ([4, 3], [2, 5, 4], true, true),
        ]
        for (i, (sa, sb, ta, tb)) in cases.enumerated() {
            let a = random(sa, seed: UInt64(20 + i)), b = random(sb, seed: UInt64(40 + i))
            #expect(check.worstError([a, b]) { $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) } <= 1,
                    "matmul \(sa)\(ta ? "ᵀ" : "") · \(sb)\(tb ? "ᵀ" : "")")
        }
    }

    @Test("affine x·W + b, plain and ensemble")
    func affine() {
        let x = random([5, 3], seed: 60), w = random([3, 4], seed: 61), b = random([4], seed: 62)
        #expect(check.worstError([x, w, b]) { Variable.affine($0[0], $0[1], $0[2]) } <= 1)
        let xe = random([2, 5, 3], seed: 63), we = random([2, 3, 4], seed: 64), be = random([2, 1, 4], seed: 65)
        #expect(check.worstError([xe, we, be]) { Variable.affine($0[0], $0[1], $0[2]) } <= 1)
        #expect(check.worstError([x, we, be]) { Variable.affine($0[0], $0[1], $0[2]) } <= 1)
    }

    @Test("concat, slice, gather, reshape, transpose, stop-gradient")
    func structure() {
        let a = random([2, 3], seed: 70), b = random([2, 4], seed: 71), c = random([3, 3], seed: 72)
        #expect(check.worstError([a, b]) { Variable.concatenate([$0[0], $0[1]], axis: 1) } <= 1)
        #expect(check.worstError([a, c]) { Variable.concatenate([$0[0], $0[1], $0[0]], axis: 0) } <= 1)
        #expect(check.worstError([b]) { $0[0].slice(1..<3, axis: 1) } <= 1)
        #expect(check.worstError([c]) { $0[0].gather([2, 0, 2, 1], axis: 0) } <= 1)
        #expect(check.worstError([c]) { $0[0].gather([1, 1], axis: 1) } <= 1)
        #expect(check.worstError([b]) { $0[0].reshaped([4, -1]) } <= 1)
        #expect(check.worstError([b]) { $0[0].transposed() } <= 1)
        // Stop-gradient: the detached path contributes nothing.
        let x = Variable(a, requiresGrad: true)
        let y = (x * x.detached()).sum()
        let g = gradients(of: y, withRespectTo: [x])[0].value
        #expect(maxAbs(g - a) < 1e-6)
    }

    @Test("the checker catches a wrong gradient rule")
    func checkerCatchesWrongRules() {
        let a = random([3, 2], seed: 90, low: 0.5, high: 1)
        // A square whose rule forgets the factor 2.
        let wrong = check.worstError([a]) { v in
            Variable.record(v[0].value.square(), inputs: [v[0]], name: "badSquare") { g, c in [g * c.input(0)] }
        }
        #expect(wrong > 10)
    }

    @Test("gradients accumulate over repeated uses and reach only what is asked for")
    func accumulationAndPruning() {
        let a = random([3], seed: 80)
        let x = Variable(a, requiresGrad: true), unused = Variable(a, requiresGrad: true)
        let y = (x * x + x * 3).sum()
        let (gx, gu) = { let g = gradients(of: y, withRespectTo: [x, unused]); return (g[0].value, g[1].value) }()
        #expect(maxAbs(gx - (a * 2 + 3)) < 1e-6)
        #expect(gu == Tensor.zeros([3]))
        y.backward()
        y.backward()
        #expect(maxAbs(x.grad! - (a * 2 + 3) * 2) < 1e-5)
        #expect(unused.grad == nil)
    }
}
