import Foundation
import Testing
import NeuralNetworks

/// Diagonal and tanh-squashed Gaussians: closed-form values and finite-difference gradients.
@Suite("Distributions")
struct DistributionTests {
    let check = GradientCheck()

    @Test("DiagonalGaussian: log-prob and entropy match the closed form in Double")
    func gaussianValues() {
        var rng = RandomGenerator(seed: 1)
        let mean = Tensor.normal([3, 2], rng: &rng), logStd = Tensor.uniform([3, 2], low: -1, high: 0.5, rng: &rng)
        let x = Tensor.normal([3, 2], rng: &rng)
        let d = DiagonalGaussian(mean: Variable(mean), logStd: Variable(logStd))
        let lp = d.logProb(Variable(x)).value, h = d.entropy().value
        #expect(lp.shape == [3] && h.shape == [3])
        for b in 0..<3 {
            var refLP = 0.0, refH = 0.0
            for k in 0..<2 {
                let m = Double(mean[b, k]), s = Double(logStd[b, k]), v = Double(x[b, k])
                refLP += -0.5 * pow((v - m) / Foundation.exp(s), 2) - s - 0.5 * Foundation.log(2 * Double.pi)
                refH += s + 0.5 * (1 + Foundation.log(2 * Double.pi))
            }
            #expect(Swift.abs(Double(lp[b]) - refLP) < 1e-5)
            #expect(Swift.abs(Double(h[b]) - refH) < 1e-5)
        }
    }

    @Test("DiagonalGaussian: gradients of log-prob, entropy and the reparameterised sample")
    func gaussianGradients() {
        var rng = RandomGenerator(seed: 2)
        let mean = Tensor.normal([4, 3], rng: &rng), logStd = Tensor.uniform([4, 3], low: -1, high: 0.5, rng: &rng)
        let x = Tensor.normal([4, 3], rng: &rng), noise = Tensor.normal([4, 3], rng: &rng)
        #expect(check.worstError([mean, logStd, x]) { DiagonalGaussian(mean: $0[0], logStd: $0[1]).logProb($0[2]) } <= 1)
        #expect(check.worstError([mean, logStd]) { DiagonalGaussian(mean: $0[0], logStd: $0[1]).entropy() } <= 1)
        #expect(check.worstError([mean, logStd]) { DiagonalGaussian(mean: $0[0], logStd: $0[1]).sample(noise: noise) } <= 1)
        // The sample's statistics.
        let d = DiagonalGaussian(mean: Variable(Tensor([[2, -1]])), logStd: Variable(Tensor([[0, Float(Foundation.log(0.5))]])))
        let draws = (0..<4000).map { _ in d.sample(rng: &rng).value }
        let stacked = Tensor.concatenate(draws, axis: 0)
        #expect(Swift.abs(stacked.mean(axis: 0)[0] - 2) < 0.06)
        #expect(Swift.abs((stacked - Tensor([[2, -1]])).square().mean(axis: 0)[1] - 0.25) < 0.02)
    }

    @Test("TanhGaussian: stable log-det-Jacobian equals log(1 − tanh²u) and stays finite when saturated")
    func tanhCorrection() {
        let u: [Float] = [-3, -0.5, 0, 0.2, 1.7, 4]
        let stable = TanhGaussian.logOneMinusTanhSquared(Variable(Tensor(u))).value
        for (i, v) in u.enumerated() {
            let exact = Foundation.log(1 - pow(Foundation.tanh(Double(v)), 2))
            #expect(Swift.abs(Double(stable[i]) - exact) < 1e-5)
        }
        // At u = 20, 1 − tanh²u underflows in Float; the stable form gives ≈ 2(log 2 − 20).
        let saturated = TanhGaussian.logOneMinusTanhSquared(Variable(Tensor([20]))).value[0]
        #expect(Swift.abs(saturated - 2 * (Float(Foundation.log(2.0)) - 20)) < 1e-4)
    }

    @Test("TanhGaussian: log-prob is the Gaussian's minus the correction; gradients of action and log-prob")
    func tanhGaussian() {
        var rng = RandomGenerator(seed: 3)
        let mean = Tensor.normal([5, 2], rng: &rng), logStd = Tensor.uniform([5, 2], low: -1, high: 0.3, rng: &rng)
        let noise = Tensor.normal([5, 2], rng: &rng)
        let policy = TanhGaussian(mean: Variable(mean), logStd: Variable(logStd))
        let (action, logProb) = policy.sample(noise: noise)
        let u = mean + logStd.exp() * noise
        #expect(maxAbs(action.value - u.tanh()) < 1e-6)
        for b in 0..<5 {
            var ref = 0.0
            for k in 0..<2 {
                let m = Double(mean[b, k]), s = Double(logStd[b, k]), uu = Double(u[b, k])
                ref += -0.5 * pow((uu - m) / Foundation.exp(s), 2) - s - 0.5 * Foundation.log(2 * Double.pi)
                ref -= Foundation.log(1 - pow(Foundation.tanh(uu), 2))
            }
            #expect(Swift.abs(Double(logProb.value[b]) - ref) < 1e-4)
        }
        #expect(check.worstError([mean, logStd]) { TanhGaussian(mean: $0[0], logStd: $0[1]).sample(noise: noise).action } <= 1)
        #expect(check.worstError([mean, logStd]) { TanhGaussian(mean: $0[0], logStd: $0[1]).sample(noise: noise).logProb } <= 1)
        #expect(maxAbs(policy.mode.value - mean.tanh()) < 1e-6)
    }
}
