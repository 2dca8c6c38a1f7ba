import Testing
import TestSupport
import LipschitzCritics

@Suite("Gradient penalty")
struct GradientPenaltyTests {
    /// A linear critic Q = x·w + b has ∇_x Q = w, so P = ψ(‖w‖), ∂P/∂w = ψ′(‖w‖)·w/‖w‖ and ∂P/∂b = 0
    /// (the closed form of Sources/LipschitzCritics/LipschitzCritics.docc/LipschitzRegularization.md with L = 1), one- and two-sided, above and below the target.
    @Test(arguments: [(GradientPenaltySettings.Sides.one, Float(0.3)), (.one, 50), (.two, 0.3), (.two, 50)])
    func linearCriticMatchesTheClosedForm(sides: GradientPenaltySettings.Sides, target: Float) {
        let critics = Fixture.critics(members: 1, hidden: [], seed: 21)
        let (o, a) = Fixture.batch(rows: 6)
        let gp = GradientPenalty(settings: GradientPenaltySettings(target: target, sides: sides, points: .data))
        let (p, norms) = gp.penalty(critics: critics, observations: o, actions: a)
        let layer = critics.network.layers[0] as! EnsembleLinear
        let w = layer.weight.value                                               // [1, 5, 1]
        let n = w.norm()
        let excess = n - target
        let psi = sides == .one ? Swift.max(excess, 0) * Swift.max(excess, 0) : excess * excess
        let psiPrime = sides == .one ? 2 * Swift.max(excess, 0) : 2 * excess
        #expect(isClose(p.scalar, psi, rtol: 1e-4, atol: 1e-6))
        #expect(isClose(norms, Tensor(repeating: n, shape: [1, 6]), rtol: 1e-5))
        let g = gradients(of: p, withRespectTo: [layer.weight, layer.bias])
        #expect(isClose(g[0].value, w * (psiPrime / n), rtol: 1e-3, atol: 1e-6))
        #expect(g[1].value.abs().max() == 0)
        if sides == .one && target == 50 { #expect(p.scalar == 0) }
    }

    /// For a two-hidden-layer ReLU critic ensemble, the input gradient equals the recursion and
    /// the penalty's weight gradients (double backward) equal the closed form of
    /// Sources/LipschitzCritics/LipschitzCritics.docc/LipschitzRegularization.md
    /// (φ″ = 0 for ReLU, so every bias gradient is 0).
    @Test func reluCriticMatchesTheClosedFormsOfSection3() {
        let critics = Fixture.critics(members: 2, hidden: [6, 5], seed: 22)
        let (o, a) = Fixture.batch(rows: 7)
        let x = Tensor.concatenate([o, a], axis: 1)                              // [B, d0]
        let b = Float(7), k: Float = 0.2
        let gp = GradientPenalty(settings: GradientPenaltySettings(target: k, sides: .two, points: .data))
        let (p, _) = gp.penalty(critics: critics, observations: o, actions: a)
        let layers = critics.network.layers.map { $0 as! EnsembleLinear }
        let autodiff = gradients(of: p, withRespectTo: layers.flatMap { [$0.weight, $0.bias] })
        let (_, gs, ga) = criticInputGradients(critics, observations: o, actions: a)

        for e in 0..<2 {
            func member(_ t: Tensor) -> Tensor { t.slice(e..<(e + 1), axis: 0).reshaped([t.shape[1], t.shape[2]]) }
            let w = layers.map { member($0.weight.value) }, bias = layers.map { member($0.bias.value) }
            // Forward: masks of the hidden layers.
            let z1 = x.matmul(w[0]) + bias[0], h1 = z1.relu()
            let z2 = h1.matmul(w[1]) + bias[1]
            let m1 = z1.map { $0 > 0 ? 1 : 0 }, m2 = z2.map { $0 > 0 ? 1 : 0 }
            // Input gradient: Δ₂ = (1 w₃ᵀ) ⊙ φ′(Z₂), Δ₁ = (Δ₂ W₂ᵀ) ⊙ φ′(Z₁), G = Δ₁ W₁ᵀ.
            let delta2 = Tensor.ones([7, 1]).matmul(w[2], transposeOther: true) * m2
            let delta1 = delta2.matmul(w[1], transposeOther: true) * m1
            let g = delta1.matmul(w[0], transposeOther: true)                    // [B, d0]
            let autodiffG = Tensor.concatenate([member(gs.value), member(ga!.value)], axis: 1)
            #expect(isClose(autodiffG, g, rtol: 1e-4, atol: 1e-6))
            // Double backward: Ḡ = ψ′(n) G / (n B); dW₁ = Ḡᵀ Δ₁; Δ̄₁ = Ḡ W₁; Ā₁ = Δ̄₁ ⊙ φ′(Z₁);
            // dW₂ = Ā₁ᵀ Δ₂; Δ̄₂ = Ā₁ W₂; dw₃ = (1ᵀ(Δ̄₂ ⊙ φ′(Z₂)))ᵀ; every db = 0.
            let n = g.square().sum(axis: 1, keepDims: true).sqrt()
            let gBar = g * (2 * (n - k)) / (n * b)
            let dW1 = gBar.matmul(delta1, transposeSelf: true)
            let aBar1 = gBar.matmul(w[0]) * m1
            let dW2 = aBar1.matmul(delta2, transposeSelf: true)
            let dW3 = (aBar1.matmul(w[1]) * m2).sum(axis: 0, keepDims: true).transposed()
            for (l, closed) in [dW1, dW2, dW3].enumerated() {
                #expect(isClose(member(autodiff[2 * l].value), closed, rtol: 1e-3, atol: 1e-5), "dW\(l + 1), member \(e)")
                #expect(member(autodiff[2 * l + 1].value).abs().max() == 0, "db\(l + 1), member \(e)")
            }
        }
    }

    /// The penalty and its parameter gradients match central finite differences, on interpolates
    /// of a spectrally normalised 3-member critic (one-sided, with a target most norms exceed).
    @Test func penaltyAndGradientsMatchFiniteDifferences() {
        let critics = Fixture.critics(members: 3, hidden: [6, 5], spectralNorm: CriticSpectralNormalization(layers: [1], scale: 1.5),
                                      seed: 23)
        for layer in critics.spectralNormLayers { layer.isTraining = false }
        let (o0, a0) = Fixture.batch(rows: 9)
        let gp = GradientPenalty(settings: GradientPenaltySettings(weight: 10, target: 0.05, sides: .one, points: .interpolates))
        var rng = RandomGenerator(seed: 4)
        let (o, a) = gp.points(observations: o0, actions: a0, rng: &rng)
        #expect(o.shape == [9, 3] && a.shape == [9, 2])
        func value() -> Float { gp.penalty(critics: critics, observations: o, actions: a).value.scalar }
        let p = gp.penalty(critics: critics, observations: o, actions: a).value
        #expect(p.scalar > 0)
        let parameters = critics.trainableParameters().map(\.variable)
        let analytic = gradients(of: p, withRespectTo: parameters)
        for (leaf, grad) in zip(parameters, analytic) {
            let numeric = Fixture.finiteDifference(of: value, leaf: leaf)
            #expect(Fixture.worstError(grad.value.scalars, numeric) <= 1)
        }
    }
}
