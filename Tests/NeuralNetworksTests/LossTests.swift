import Foundation
import Testing
import NeuralNetworks

/// Losses: values against plain formulas and finite-difference gradients.
@Suite("Losses")
struct LossTests {
    let check = GradientCheck()

    @Test("mean squared error")
    func mse() {
        let p = Tensor([[1, 2], [3, 4]]), t = Tensor([[0, 2], [5, 3]])
        #expect(meanSquaredError(Variable(p), Variable(t)).scalar == Float(1 + 0 + 4 + 1) / 4)
        var rng = RandomGenerator(seed: 1)
        let a = Tensor.normal([3, 4], rng: &rng), b = Tensor.normal([3, 4], rng: &rng)
        #expect(check.worstError([a, b]) { meanSquaredError($0[0], $0[1]) } <= 1)
    }

    @Test("soft log-variance bounds stay inside [min, max] and are differentiable in all three inputs")
    func softBounds() {
        let raw = Tensor([-30, -10, -2, 0, 0.4, 3, 30])
        let lv = softBoundedLogVariance(Variable(raw), maxLogVariance: Variable(Tensor([0.5])),
                                        minLogVariance: Variable(Tensor([-10]))).value
        // Soft bounds: at most a softplus tail (≈ e^−(max−min)) beyond max, never below min, monotone.
        #expect(lv.max() <= 0.5 + 1e-4 && lv.min() >= -10)
        let sorted = lv.scalars
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Swift.abs(lv[0] - -10) < 1e-3 && Swift.abs(lv[6] - 0.5) < 1e-3)
        var rng = RandomGenerator(seed: 2)
        let r = Tensor.uniform([4, 3], low: -3, high: 1, rng: &rng)
        let hi = Tensor.uniform([3], low: 0.2, high: 0.8, rng: &rng), lo = Tensor.uniform([3], low: -3, high: -1, rng: &rng)
        #expect(check.worstError([r, hi, lo]) { softBoundedLogVariance($0[0], maxLogVariance: $0[1], minLogVariance: $0[2]) } <= 1)
        #expect(check.worstError([hi, lo]) { logVarianceBoundPenalty(maxLogVariance: $0[0], minLogVariance: $0[1]) } <= 1)
    }

    @Test("Gaussian NLL: value per member (mean over batch and dims, summed over members) and gradients")
    func gaussianNLL() {
        var rng = RandomGenerator(seed: 3)
        let mu = Tensor.normal([2, 3, 4], rng: &rng), lv = Tensor.uniform([2, 3, 4], low: -2, high: 0.5, rng: &rng)
        let y = Tensor.normal([2, 3, 4], rng: &rng)
        let loss = gaussianNegativeLogLikelihood(mean: Variable(mu), logVariance: Variable(lv), target: Variable(y)).scalar
        var ref = 0.0
        for e in 0..<2 {
            var member = 0.0
            for b in 0..<3 { for d in 0..<4 {
                let m = Double(mu[e, b, d]), l = Double(lv[e, b, d]), t = Double(y[e, b, d])
                member += (m - t) * (m - t) * Foundation.exp(-l) + l
            } }
            ref += member / 12
        }
        #expect(Swift.abs(Double(loss) - ref) < 1e-5)
        #expect(check.worstError([mu, lv, y]) { gaussianNegativeLogLikelihood(mean: $0[0], logVariance: $0[1], target: $0[2]) } <= 1)
        let mu2 = Tensor.normal([3, 4], rng: &rng), lv2 = Tensor.normal([3, 4], rng: &rng)
        #expect(check.worstError([mu2, lv2]) { gaussianNegativeLogLikelihood(mean: $0[0], logVariance: $0[1], target: Variable(mu2 * 0.5)) } <= 1)
    }
}
