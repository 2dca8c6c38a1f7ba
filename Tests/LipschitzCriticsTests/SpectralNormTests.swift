import Foundation
import Testing
import TestSupport
import LipschitzCritics

@Suite("Spectral normalization of ensemble critics")
struct SpectralNormTests {
    /// Power iteration converges to Armadillo's largest singular value, per
    /// member, and the normalised weight then has spectral norm c.
    @Test func powerIterationConvergesToTheLargestSingularValue() throws {
        var rng = RandomGenerator(seed: 3)
        let linear = EnsembleLinear(members: 3, 40, 30, rng: &rng)
        let sn = EnsembleSpectralNorm(linear, scale: 2.5, warmUpIterations: 0, rng: &rng)
        let exact = try (0..<3).map { try linear.weight.value.slice($0..<($0 + 1), axis: 0).reshaped([40, 30]).spectralNorm() }
        let before = sn.sigmas.scalars
        #expect(zip(before, exact).contains { !isClose($0, $1, rtol: 1e-2) })   // not converged before iterating
        sn.warmUp(iterations: 300)
        for (estimate, truth) in zip(sn.sigmas.scalars, exact) { #expect(isClose(estimate, truth, rtol: 1e-4)) }
        let normalized = sn.normalizedWeightValue()
        for e in 0..<3 {
            let norm = try normalized.slice(e..<(e + 1), axis: 0).reshaped([40, 30]).spectralNorm()
            #expect(isClose(norm, 2.5, rtol: 1e-4))
        }
    }

    /// Gradients through c·W/σ(W) (σ differentiable, u and v fixed) match central finite
    /// differences and the closed form (c/σ)(Ḡ − ⟨Ḡ, W/σ⟩ v̂ûᵀ) (u, v held constant).
    @Test func gradientsThroughTheNormalizedLayerMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 4)
        let linear = EnsembleLinear(members: 2, 4, 3, rng: &rng)
        let sn = EnsembleSpectralNorm(linear, scale: 1.5, warmUpIterations: 5, rng: &rng)
        sn.isTraining = false                          // u, v held fixed, as within one step
        let x = Variable(Tensor.normal([2, 5, 4], rng: &rng))
        let weights = Tensor.uniform([2, 5, 3], low: -1, high: 1, rng: &rng)
        func loss() -> Variable { (sn(x) * Variable(weights)).sum() }

        let analytic = gradients(of: loss(), withRespectTo: [linear.weight])[0].value
        let numeric = Fixture.finiteDifference(of: { loss().scalar }, leaf: linear.weight)
        #expect(Fixture.worstError(analytic.scalars, numeric) <= 1)

        // Closed form per member: Ḡ = xᵀ·weights, then the projection above.
        let gBar = x.value.matmul(weights, transposeSelf: true)                     // [2, 4, 3]
        let sigmas = sn.sigmas
        let uHat = sn.u.value, vHat = sn.v.value
        for e in 0..<2 {
            let w = linear.weight.value.slice(e..<(e + 1), axis: 0).reshaped([4, 3])
            let g = gBar.slice(e..<(e + 1), axis: 0).reshaped([4, 3])
            let sigma = sigmas.scalars[e]
            let u = uHat.slice(e..<(e + 1), axis: 0).reshaped([1, 3]), v = vHat.slice(e..<(e + 1), axis: 0).reshaped([4, 1])
            let u1 = u / u.norm(), v1 = v / v.norm()
            let inner = (g * w / sigma).sum()
            let closed = (g - v1.matmul(u1) * inner) * (1.5 / sigma)
            #expect(isClose(analytic.slice(e..<(e + 1), axis: 0).reshaped([4, 3]), closed, rtol: 1e-3, atol: 1e-5))
        }
    }

    /// A normalised critic ensemble saves u and v in checkpoints; loading restores them exactly
    /// (no re-warm-up), so outputs after loading equal the saved critic's; a frozen copy does not iterate.
    @Test func checkpointsRestoreThePowerIterationVectorsExactly() throws {
        let settings = CriticSpectralNormalization(layers: [0, 2], scale: 2)
        let critics = Fixture.critics(members: 10, spectralNorm: settings, seed: 7)
        #expect(critics.spectralNormLayers.count == 2)
        #expect(critics.namedParameters().map(\.name).contains("network.layers.0.u"))
        let (o, a) = Fixture.batch()
        _ = critics(Variable(o), Variable(a))            // one training forward: vectors move
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try Checkpoint.save(critics, to: dir.path("critics.h5"))
        let restored = Fixture.critics(members: 10, spectralNorm: settings, seed: 99)
        try Checkpoint.load(into: restored, from: dir.path("critics.h5"))
        #expect(restored.parameterValues() == critics.parameterValues())
        #expect(restored(Variable(o), Variable(a)).value == critics(Variable(o), Variable(a)).value)

        restored.freeze()
        let u = restored.spectralNormLayers[0].u.value
        _ = restored(Variable(o), Variable(a))
        #expect(restored.spectralNormLayers[0].u.value == u)
    }

    /// The default critic is unchanged by the option: same parameter names, same values.
    @Test func withoutSpectralNormTheCriticIsUnchanged() {
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let plain = CriticEnsemble(observationDimension: 3, actionDimension: 2, hiddenSizes: [4], members: 2, rng: &r1)
        let explicit = CriticEnsemble(observationDimension: 3, actionDimension: 2, hiddenSizes: [4], members: 2,
                                      spectralNormalization: nil, rng: &r2)
        #expect(plain.parameterValues() == explicit.parameterValues())
        #expect(plain.namedParameters().map(\.name) == ["network.layers.0.weight", "network.layers.0.bias",
                                                       "network.layers.1.weight", "network.layers.1.bias"])
        #expect(r1 == r2)

        // The default critic computes the plain MLP of its weights, Qₑ = W₁ₑ·relu(W₀ₑ·[s, a] + b₀ₑ) + b₁ₑ,
        // by hand in Double; the spectrally normalised one from the same seed does not.
        var input = RandomGenerator(seed: 8)
        let o = Tensor.normal([6, 3], rng: &input), a = Tensor.normal([6, 2], rng: &input)
        let q = plain(Variable(o), Variable(a)).value.scalars   // [2, 6]
        let p = plain.parameterValues().mapValues(\.scalars)
        let w0 = try! #require(p["network.layers.0.weight"]), b0 = try! #require(p["network.layers.0.bias"])
        let w1 = try! #require(p["network.layers.1.weight"]), b1 = try! #require(p["network.layers.1.bias"])
        for e in 0..<2 {
            for row in 0..<6 {
                let x = (0..<3).map { Double(o.scalars[row * 3 + $0]) } + (0..<2).map { Double(a.scalars[row * 2 + $0]) }
                var out = Double(b1[e])
                for j in 0..<4 {
                    var h = Double(b0[e * 4 + j])
                    for i in 0..<5 { h += x[i] * Double(w0[(e * 5 + i) * 4 + j]) }
                    out += Swift.max(h, 0) * Double(w1[e * 4 + j])
                }
                #expect(abs(Double(q[e * 6 + row]) - out) < 1e-5, "member \(e), row \(row)")
            }
        }
        var r3 = RandomGenerator(seed: 5)
        let normalised = CriticEnsemble(observationDimension: 3, actionDimension: 2, hiddenSizes: [4], members: 2,
                                        spectralNormalization: CriticSpectralNormalization(), rng: &r3)
        #expect(maxAbsDifference(normalised(Variable(o), Variable(a)).value, plain(Variable(o), Variable(a)).value) > 1e-3)
    }
}
