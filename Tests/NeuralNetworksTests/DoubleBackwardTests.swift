import Foundation
import Testing
import NeuralNetworks

/// Second order: gradients of input-gradients, checked by finite differences of first-order
/// gradients and against the closed forms in the LipschitzCritics and RAVL articles
/// (Sources/LipschitzCritics/LipschitzCritics.docc/LipschitzRegularization.md, Sources/RAVL/RAVL.docc/ReachAwareValueLearning.md).
@Suite("Double backward")
struct DoubleBackwardTests {
    let check = GradientCheck()

    func random(_ shape: TensorShape, seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, rng: &rng)
    }

    @Test("every operation: the gradient of its gradient (f = op(x)², so the rule's inputs vary)")
    func operations() {
        let x = random([3, 4], seed: 1, low: 0.3, high: 1.5)
        var rng = RandomGenerator(seed: 2)
        let s = awayFromZero([3, 4], rng: &rng)
        let y = random([3, 4], seed: 3), row = random([4], seed: 4, low: 0.5, high: 1.5)
        let unary: [(String, Tensor, (Variable) -> Variable)] = [
            ("exp", s, { $0.exp() }), ("log", x, { $0.log() }), ("sqrt", x, { $0.sqrt() }),
            ("square", s, { $0.square() }), ("pow", x, { $0.pow(2.5) }), ("tanh", s, { $0.tanh() }),
            ("sigmoid", s, { $0.sigmoid() }), ("relu", s, { $0.relu() }), ("silu", s, { $0.silu() }),
            ("softplus", s, { $0.softplus() }), ("clamp", s, { $0.clamped(min: -0.5, max: 0.5) }),
            ("abs", s, { $0.abs() }), ("neg", s, { -$0 }), ("scalar", s, { 2 / ($0 * 3 + 5) }),
            ("sum axis", s, { $0.sum(axis: 1, keepDims: true) }), ("mean", s, { $0.mean(axis: 0) }),
            ("sumAll", s, { $0.sum() }), ("max axis", s, { $0.max(axis: 1) }), ("min axis", s, { $0.min(axis: 0) }),
            ("logsumexp", s, { $0.logSumExp(axis: 1) }), ("slice", s, { $0.slice(1..<3, axis: 1) }),
            ("gather", s, { $0.gather([2, 0, 2], axis: 0) }), ("reshape", s, { $0.reshaped([2, 6]) }),
            ("transpose", s, { $0.transposed() }), ("concat", s, { Variable.concatenate([$0, $0.exp()], axis: 1) }),
            ("broadcast", s, { $0.broadcast(to: [2, 3, 4]) }),
        ]
        for (name, input, op) in unary {
            #expect(check.worstSecondOrderError([input]) { op($0[0]).square() } <= 1, "\(name)")
        }
        let binary: [(String, (Variable, Variable) -> Variable)] = [
            ("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 }),
            ("minimum", { Variable.minimum($0, $1) }), ("maximum", { Variable.maximum($0, $1) }),
        ]
        for (name, op) in binary {
            for index in 0..<2 {
                #expect(check.worstSecondOrderError([y, row], withRespectTo: index) { op($0[0], $0[1]).square() } <= 1,
                        "\(name) w.r.t. input \(index)")
            }
        }
        let a = random([2, 3, 4], seed: 5), b = random([2, 4, 5], seed: 6), w = random([4, 5], seed: 7)
        #expect(check.worstSecondOrderError([a, b]) { $0[0].matmul($0[1]).square() } <= 1)
        #expect(check.worstSecondOrderError([a, w], withRespectTo: 1) { $0[0].matmul($0[1]).square() } <= 1)
        let bias = random([5], seed: 8)
        #expect(check.worstSecondOrderError([a, w, bias]) { Variable.affine($0[0], $0[1], $0[2]).tanh() } <= 1)
    }

    @Test("through MLPs with ReLU, SiLU and tanh: the input-gradient differentiated w.r.t. input and weights")
    func mlps() {
        for activation in [Activation.relu, .silu, .tanh] {
            var rng = RandomGenerator(seed: 20)
            let net = MLP([3, 8, 8, 1], activation: activation, rng: &rng)
            let x = Variable(Tensor.normal([4, 3], rng: &rng), requiresGrad: true)
            #expect(check.worstSecondOrderError(leaves: [x] + net.parameters()) { net(x) } <= 1, "\(activation)")
            // An ensemble, input shared by every member.
            let ensemble = MLP([3, 6, 1], activation: activation, members: 2, rng: &rng)
            #expect(check.worstSecondOrderError(leaves: [x] + ensemble.parameters()) { ensemble(x) } <= 1,
                    "\(activation) ensemble")
        }
    }

    @Test("gradient penalty ‖∇ₓf‖² matches the closed form for a one-hidden-layer tanh network")
    func gradientPenaltyClosedForm() {
        // f(x) = tanh(x·W + b)·w;  G = ∇ₓf = (w ⊙ (1 − t²))·Wᵀ per row;  P = Σ ‖G‖².
        // ∂P/∂w_j = Σ_rows 2 (1 − t_j²) (G · W[:, j]).
        var rng = RandomGenerator(seed: 30)
        let layer = Linear(3, 5, rng: &rng), head = Linear(5, 1, rng: &rng)
        let x = Variable(Tensor.normal([4, 3], rng: &rng), requiresGrad: true)
        let f = head(layer(x).tanh())
        let g = gradients(of: f, withRespectTo: [x], createGraph: true)[0]
        let penalty = g.square().sum()
        let dw = gradients(of: penalty, withRespectTo: [head.weight])[0].value   // [5, 1]
        let t = (x.value.matmul(layer.weight.value) + layer.bias.value).tanh()      // [4, 5]
        let w = head.weight.value.reshaped([1, 5])
        let G = ((1 - t.square()) * w).matmul(layer.weight.value, transposeOther: true)   // [4, 3]
        #expect(maxAbs(G - g.value) < 1e-5)
        let expected = ((1 - t.square()) * G.matmul(layer.weight.value) * 2).sum(axis: 0).reshaped([5, 1])
        #expect(maxAbs(dw - expected) < 1e-4)
        #expect(check.worstError(leaves: net(layer, head)) {
            gradients(of: head(layer(x).tanh()), withRespectTo: [x], createGraph: true)[0].square().sum()
        } <= 1)
    }

    func net(_ modules: Module...) -> [Variable] { modules.flatMap { $0.parameters() } }

    @Test("EDAC/RAVL diversity term: the reference test vector")
    func ravlVector() {
        let n = 3, sDim = 2, aDim = 2, h = 5, batch = 2
        var rng = RandomGenerator(seed: 0)
        let critics = MLP([sDim + aDim, h, h, 1], activation: .relu, members: n, rng: &rng)
        let sizes = [(sDim + aDim, h), (h, h), (h, 1)]
        var values = [String: Tensor]()
        for (l, (fanIn, fanOut)) in sizes.enumerated() {
            values["layers.\(l).weight"] = Tensor(shape: [n, fanIn, fanOut]) { p in
                for m in 0..<n { for i in 0..<fanIn { for j in 0..<fanOut {
                    p[(m * fanIn + i) * fanOut + j] = Float(0.5 * Foundation.sin(Double(1 + m + 2 * i + 3 * j + 5 * l)))
                } } }
            }
            values["layers.\(l).bias"] = Tensor(shape: [n, 1, fanOut]) { p in
                for m in 0..<n { for j in 0..<fanOut {
                    p[m * fanOut + j] = Float(0.1 + 0.05 * Foundation.cos(Double(1 + m + 7 * j + 11 * l)))
                } }
            }
        }
        critics.update(parameters: values)
        let s = Tensor(shape: [batch, sDim]) { p in for b in 0..<batch { for k in 0..<sDim { p[b * sDim + k] = Float(0.3 * Foundation.sin(Double(b + 2 * k + 1))) } } }
        let a = Tensor(shape: [batch, aDim]) { p in for b in 0..<batch { for k in 0..<aDim { p[b * aDim + k] = Float(0.7 * Foundation.cos(Double(3 * b + k + 1))) } } }

        // Per-member action gradients: each member gets its own copy of the actions.
        let actions = Variable(Tensor.zeros([n, batch, aDim]) + a, requiresGrad: true)
        let states = Variable(Tensor.zeros([n, batch, sDim]) + s)
        let q = critics(Variable.concatenate([states, actions], axis: 2))          // [N, B, 1]
        let expectedQ: [Float] = [0.02216715, -0.00019304, 0.10820009, 0.11201272, 0.18942017, 0.2333653]
        #expect(maxAbs(q.value.reshaped([6]) - Tensor(expectedQ)) < 1e-6)
        let g = gradients(of: q.sum(), withRespectTo: [actions], createGraph: true)[0]   // [N, B, A]
        let expectedG: [Float] = [-0.04002482, 0.0021497, 0.01233509, -0.02214951, -0.06390782, 0.10308116,
                                  0.00526633, -0.03428303, -0.00204731, -0.01688709, -0.02790669, 0.01418293]
        #expect(maxAbs(g.value.reshaped([12]) - Tensor(expectedG)) < 1e-6)

        // L_div = (1/(N−1)) · mean_b (‖Σᵢ uᵢ‖² − Σᵢ ‖uᵢ‖²),  uᵢ = gᵢ / (‖gᵢ‖ + 1e-10).
        let u = g / (g.square().sum(axis: 2, keepDims: true).sqrt() + 1e-10)
        let diversity = (u.sum(axis: 0).square().sum(axis: 1) - u.square().sum(axis: 2).sum(axis: 0)).mean() / Float(n - 1)
        #expect(Swift.abs(Double(diversity.scalar) - -0.3084845608188772) < 1e-5)

        let grads = gradients(of: diversity, withRespectTo: critics.parameters())
        let byName = Dictionary(uniqueKeysWithValues: zip(critics.namedParameters().map(\.name), grads.map(\.value)))
        let dW2 = byName["layers.2.weight"]!.slice(1..<2).reshaped([5])
        #expect(maxAbs(dW2 - Tensor([0.23912555, -0.36480793, 0.48318868, 0.0, 0.68876129])) < 2e-5)
        #expect(Swift.abs(byName["layers.0.weight"]![1, 2, 1] - 0.2229775995) < 2e-5)
        #expect(byName["layers.0.weight"]![0, 0, 0] == 0)
        for l in 0..<3 { #expect(maxAbs(byName["layers.\(l).bias"]!) < 1e-7) }

        // The TD loss of the vector: Σ over members of the batch mean of (Q − y)².
        let y = Variable(Tensor([0.5, -0.25]).reshaped([1, 2, 1]))
        let td = (q - y).square().mean(axis: 1).sum()
        #expect(Swift.abs(Double(td.scalar) - 0.45269498761403637) < 1e-6)
    }
}
