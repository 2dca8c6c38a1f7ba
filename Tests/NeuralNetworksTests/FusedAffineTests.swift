import Testing
import NeuralNetworks

/// The fused layer operation φ(x·W + b) against the separate affine and activation operations:
/// values, first-order gradients and double backward, for every layout a layer meets, with
/// products split across cores (one BLAS thread) so every block path runs.
@Suite("Fused affine + activation", .serialized)
struct FusedAffineTests {
    /// (x, W, b) shapes: plain, shared weight over stacked rows (> 256 rows, several blocks),
    /// an ensemble with a shared input, and an ensemble of 3 on 2 cores (leftover member split).
    static let layouts: [([Int], [Int], [Int])] = [
        ([300, 7], [7, 5], [5]),
        ([3, 100, 7], [7, 5], [5]),
        ([80, 7], [3, 7, 5], [3, 1, 5]),
        ([3, 80, 7], [3, 7, 5], [3, 1, 5]),
    ]

    static func close(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.shape == b.shape else { return false }
        let x = a.scalars, y = b.scalars
        return zip(x, y).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * (1 + Swift.abs($1)) }
    }

    @Test("values and gradients equal the separate operations", arguments: [Activation.relu, .silu, .identity])
    func matchesSeparateOperations(activation: Activation) {
        BLASRuntime.beginSingleThreaded()   // a hold, not a set: trainers of tests run beside it keep their count
        defer { BLASRuntime.endSingleThreaded() }
        var rng = RandomGenerator(seed: 31)
        for (xs, ws, bs) in FusedAffineTests.layouts {
            let x = Variable(Tensor.normal(TensorShape(xs), rng: &rng), requiresGrad: true)
            let w = Variable(Tensor.normal(TensorShape(ws), rng: &rng), requiresGrad: true)
            let b = Variable(Tensor.normal(TensorShape(bs), rng: &rng), requiresGrad: true)
            let fused = Variable.affine(x, w, b, activation: activation)
            let separate = activation(Variable.affine(x, w, b))
            #expect(FusedAffineTests.close(fused.value, separate.value), "\(activation) \(xs)·\(ws)")
            let seed = Variable(Tensor.normal(fused.shape, rng: &rng))
            let gf = gradients(of: fused, withRespectTo: [x, w, b], seed: seed)
            let gs = gradients(of: separate, withRespectTo: [x, w, b], seed: seed)
            for (f, s) in zip(gf, gs) { #expect(FusedAffineTests.close(f.value, s.value), "\(activation) \(xs)·\(ws)") }

            // Double backward: the gradient of ‖∂L/∂x‖² with respect to W and b.
            func penalty(_ y: Variable) -> [Variable] {
                let dx = gradients(of: y, withRespectTo: [x], seed: seed, createGraph: true)[0]
                return gradients(of: dx.square().sum(), withRespectTo: [w, b])
            }
            for (f, s) in zip(penalty(fused), penalty(separate)) {
                #expect(FusedAffineTests.close(f.value, s.value), "double backward \(activation) \(xs)·\(ws)")
            }
        }
    }

    @Test("an MLP's gradients pass the finite-difference check")
    func mlpFiniteDifferences() {
        var rng = RandomGenerator(seed: 5)
        for activation in [Activation.silu] {
            let net = MLP([4, 6, 3], activation: activation, members: 2, rng: &rng)
            let x = Tensor.uniform([5, 4], low: 0.2, high: 1, rng: &rng)
            let worst = GradientCheck().worstError(leaves: net.parameters()) { net(Variable(x)) }
            #expect(worst <= 1, "\(activation): worst normalised error \(worst)")
        }
    }
}
