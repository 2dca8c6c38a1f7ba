import Testing
import NeuralNetworks

/// The fused dynamics-head loss against the separate operations it replaces (two slices,
/// softBoundedLogVariance, gaussianNegativeLogLikelihood): values, gradients, target gradients
/// and double backward, for an ensemble (with an odd member count and a ragged last chunk of
/// columns) and a plain batch.
@Suite("Fused Gaussian head loss", .serialized)
struct FusedGaussianHeadTests {
    static func close(_ a: Tensor, _ b: Tensor, tolerance: Float = 2e-5) -> Bool {
        guard a.shape == b.shape else { return false }
        return zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) <= tolerance * (1 + Swift.abs($1)) }
    }

    static func separate(_ o: Variable, _ y: Variable, _ hi: Variable, _ lo: Variable) -> Variable {
        let d = y.shape.last
        let logVariance = softBoundedLogVariance(o.slice(d..<(2 * d), axis: -1), maxLogVariance: hi, minLogVariance: lo)
        return gaussianNegativeLogLikelihood(mean: o.slice(0..<d, axis: -1), logVariance: logVariance, target: y)
    }

    @Test("values and gradients equal the separate operations", arguments: [[3, 40, 11], [50, 18], [7, 16, 18]])
    func matchesSeparateOperations(targetShape: [Int]) {
        var rng = RandomGenerator(seed: 8)
        var outShape = targetShape
        outShape[outShape.count - 1] *= 2
        let d = targetShape.last!
        // Raw log-variances spread well past both bounds, so both soft clamps bend.
        let o = Variable(Tensor.normal(TensorShape(outShape), std: 4, rng: &rng), requiresGrad: true)
        let y = Variable(Tensor.normal(TensorShape(targetShape), rng: &rng), requiresGrad: true)
        let hi = Variable(Tensor.uniform([d], low: 0, high: 1, rng: &rng), requiresGrad: true)
        let lo = Variable(Tensor.uniform([d], low: -6, high: -4, rng: &rng), requiresGrad: true)
        let fused = gaussianNegativeLogLikelihood(output: o, target: y, maxLogVariance: hi, minLogVariance: lo)
        let reference = FusedGaussianHeadTests.separate(o, y, hi, lo)
        #expect(FusedGaussianHeadTests.close(fused.value, reference.value), "\(fused.scalar) vs \(reference.scalar)")

        // Fast path (no target gradient) and the composite path (target gradient wanted).
        for targets in [[o, hi, lo], [o, y, hi, lo]] {
            let gf = gradients(of: fused * 1.5, withRespectTo: targets)
            let gs = gradients(of: reference * 1.5, withRespectTo: targets)
            for (f, s) in zip(gf, gs) { #expect(FusedGaussianHeadTests.close(f.value, s.value), "\(targetShape)") }
        }

        // Double backward: the gradient of ‖∂L/∂output‖² with respect to the bounds.
        func penalty(_ loss: Variable) -> [Variable] {
            let g = gradients(of: loss, withRespectTo: [o], createGraph: true)[0]
            return gradients(of: g.square().sum(), withRespectTo: [hi, lo])
        }
        for (f, s) in zip(penalty(fused), penalty(reference)) {
            #expect(FusedGaussianHeadTests.close(f.value, s.value), "double backward \(targetShape)")
        }
    }

    @Test("passes the finite-difference check")
    func finiteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let o = Variable(Tensor.normal([2, 5, 6], rng: &rng), requiresGrad: true)
        let y = Variable(Tensor.normal([2, 5, 3], rng: &rng))
        let hi = Variable(Tensor([0.5, 0.2, 0.8]), requiresGrad: true)
        let lo = Variable(Tensor([-3, -2, -4]), requiresGrad: true)
        let worst = GradientCheck().worstError(leaves: [o, hi, lo]) {
            gaussianNegativeLogLikelihood(output: o, target: y, maxLogVariance: hi, minLogVariance: lo)
        }
        #expect(worst <= 1, "worst normalised error \(worst)")
    }
}
