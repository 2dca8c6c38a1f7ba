import Foundation
import Testing
import NeuralNetworks

/// Optimizers: exact hand-computed steps, parameter groups, clipping, Polyak averaging, state
/// round trips, and a regression network trained to a 100-fold smaller loss.
@Suite("Optimizers")
struct OptimizerTests {
    @Test("Adam: two steps equal the hand-computed update exactly")
    func adamTwoSteps() {
        let p = Variable(Tensor([0.5, -1.0, 2.0]), requiresGrad: true)
        let adam = Adam([NamedParameter(name: "p", variable: p)], learningRate: 0.01)
        let g1: [Float] = [0.1, -0.2, 0.0], g2: [Float] = [0.3, 0.05, -1.5]
        var theta: [Float] = [0.5, -1.0, 2.0], m: [Float] = [0, 0, 0], v: [Float] = [0, 0, 0]
        for (t, g) in [g1, g2].enumerated() {
            p.grad = Tensor(g)
            adam.step()
            // By hand, in Float, in the documented order (Kingma & Ba 2015, Alg. 1; PyTorch's form).
            let step = Float(t + 1)
            let stepSize: Float = 0.01 / (1 - powf(0.9, step))
            let bias2Root: Float = (1 - powf(0.999, step)).squareRoot()
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + (1 - 0.9) * g[i]
                v[i] = 0.999 * v[i] + (1 - 0.999) * (g[i] * g[i])
                theta[i] = theta[i] - stepSize * (m[i] / (v[i].squareRoot() / bias2Root + 1e-8))
            }
            #expect(p.value.scalars == theta, "step \(t + 1)")
        }
        // And the same numbers from the textbook formula in Double.
        var md = [0.0, 0, 0], vd = [0.0, 0, 0], td = [0.5, -1.0, 2.0]
        for (t, g) in [g1, g2].enumerated() {
            for i in 0..<3 {
                let gi = Double(g[i])
                md[i] = 0.9 * md[i] + 0.1 * gi
                vd[i] = 0.999 * vd[i] + 0.001 * gi * gi
                let mh = md[i] / (1 - Foundation.pow(0.9, Double(t + 1))), vh = vd[i] / (1 - Foundation.pow(0.999, Double(t + 1)))
                td[i] -= 0.01 * mh / (vh.squareRoot() + 1e-8)
            }
        }
        for i in 0..<3 { #expect(Swift.abs(Double(p.value[i]) - td[i]) < 1e-6) }
    }

    @Test("AdamW decays decoupled; Adam's weight decay is coupled")
    func weightDecay() {
        let a = Variable(Tensor([1.0]), requiresGrad: true), b = Variable(Tensor([1.0]), requiresGrad: true)
        let adamw = AdamW([NamedParameter(name: "a", variable: a)], learningRate: 0.1, weightDecay: 0.5)
        let adam = Adam([NamedParameter(name: "b", variable: b)], learningRate: 0.1, weightDecay: 0.5)
        a.grad = Tensor([0.0]); b.grad = Tensor([0.0])
        adamw.step(); adam.step()
        // AdamW: θ(1 − ηλ) = 0.95, and the zero gradient moves nothing.
        let lr: Float = 0.1, lambda: Float = 0.5
        #expect(a.value[0] == 1 * (1 - lr * lambda))
        // Adam: g = λθ = 0.5, the first step moves by η·sign(g).
        #expect(Swift.abs(b.value[0] - 0.9) < 1e-6)
    }

    @Test("SGD with momentum; per-group learning rates and weight decay")
    func sgdAndGroups() {
        let a = Variable(Tensor([1.0]), requiresGrad: true), b = Variable(Tensor([1.0]), requiresGrad: true)
        let sgd = SGD(groups: [ParameterGroup([NamedParameter(name: "a", variable: a)]),
                               ParameterGroup([NamedParameter(name: "b", variable: b)], learningRate: 0.5, weightDecay: 1)],
                      learningRate: 0.1, momentum: 0.9)
        a.grad = Tensor([1.0]); b.grad = Tensor([1.0])
        sgd.step()
        #expect(a.value[0] == 1 - 0.1 * 1)           // buffer = g
        #expect(b.value[0] == 1 - 0.5 * (1 + 1))     // g + λθ = 2
        a.grad = Tensor([1.0])
        sgd.step()
        #expect(Swift.abs(a.value[0] - (0.9 - 0.1 * (0.9 * 1 + 1))) < 1e-7)
    }

    @Test("gradient-norm clipping and Polyak averaging")
    func clippingAndPolyak() {
        let a = Variable(Tensor([3.0]), requiresGrad: true), b = Variable(Tensor([4.0, 0]), requiresGrad: true)
        a.grad = Tensor([3.0]); b.grad = Tensor([4.0, 0])
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        #expect(Swift.abs(norm - 5) < 1e-6)
        #expect(Swift.abs(a.grad![0] - 0.6) < 1e-5 && Swift.abs(b.grad![0] - 0.8) < 1e-5)
        #expect(clipGradientNorm([a, b], maxNorm: 10) < 1.0001)   // below the bound: unchanged
        polyakUpdate(target: [a], source: [Variable(Tensor([13.0]))], tau: 0.1)
        #expect(Swift.abs(a.value[0] - (0.9 * 3 + 0.1 * 13)) < 1e-6)
    }

    @Test("optimizer state round-trips through stateDictionary")
    func stateRoundTrip() throws {
        func run(_ restoreAfter: Int?) -> Tensor {
            let p = Variable(Tensor([0.3, -0.7]), requiresGrad: true)
            var adam = Adam([NamedParameter(name: "w", variable: p)], learningRate: 0.05)
            for t in 0..<6 {
                if t == restoreAfter {
                    let saved = adam.stateDictionary()
                    adam = Adam([NamedParameter(name: "w", variable: p)], learningRate: 0.05)
                    try! adam.loadStateDictionary(saved)
                }
                p.grad = p.value * 2 + Float(t)
                adam.step()
            }
            return p.value
        }
        #expect(run(nil) == run(3))
        let p = Variable(Tensor([1.0]), requiresGrad: true)
        let adam = Adam([NamedParameter(name: "w", variable: p)])
        #expect(throws: OptimizerStateError.self) {
            try adam.loadStateDictionary(["w.m": Tensor([1, 2]), "w.v": Tensor([1, 2]), "w.step": Tensor(1)])
        }
    }

    @Test("a regression network trained with Adam cuts its loss at least 100-fold")
    func regression() {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor.uniform([256, 2], low: -1, high: 1, rng: &rng)
        // y = sin(2x₁) + x₂² − 0.5 x₁x₂
        let y = Tensor(shape: [256, 1]) { p in
            for i in 0..<256 {
                let a = x[i, 0], b = x[i, 1]
                p[i] = Foundation.sin(2 * a) + b * b - 0.5 * a * b
            }
        }
        let net = MLP([2, 64, 64, 1], activation: .silu, rng: &rng)
        let adam = Adam(net.namedParameters(), learningRate: 3e-3)
        let input = Variable(x), target = Variable(y)
        let initial = meanSquaredError(net(input), target).scalar
        var final = initial
        for _ in 0..<600 {
            let loss = meanSquaredError(net(input), target)
            adam.zeroGrad()
            loss.backward()
            adam.step()
            final = loss.scalar
        }
        final = meanSquaredError(net(input), target).scalar
        #expect(final * 100 <= initial, "loss \(initial) → \(final)")
    }
}
