import Testing
import NeuralNetworks

/// Layers: parameter discovery, shapes, finite-difference gradients with respect to inputs and
/// parameters, spectral normalisation against the SVD.
@Suite("Layers")
struct LayerTests {
    let check = GradientCheck()

    /// Runs the checker over a module's input and every parameter.
    func worstError(_ module: Module, input: Tensor, _ apply: @escaping (Variable) -> Variable) -> Double {
        let x = Variable(input, requiresGrad: true)
        return check.worstError(leaves: [x] + module.parameters()) { apply(x) }
    }

    @Test("Linear: names, shapes and gradients")
    func linear() {
        var rng = RandomGenerator(seed: 1)
        let layer = Linear(3, 4, rng: &rng)
        #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
        let x = Tensor.normal([5, 3], rng: &rng)
        #expect(layer(Variable(x)).shape == [5, 4])
        #expect(worstError(layer, input: x) { layer($0) } <= 1)
    }

    @Test("EnsembleLinear: members are independent and match per-member Linear")
    func ensembleLinear() {
        var rng = RandomGenerator(seed: 2)
        let layer = EnsembleLinear(members: 3, 4, 2, rng: &rng)
        let x = Tensor.normal([3, 5, 4], rng: &rng)
        let y = layer(Variable(x)).value
        #expect(y.shape == [3, 5, 2])
        for e in 0..<3 {
            let w = layer.weight.value.slice(e..<(e + 1)).reshaped([4, 2])
            let b = layer.bias.value.slice(e..<(e + 1)).reshaped([2])
            let ref = Linear(weight: w, bias: b)(Variable(x.slice(e..<(e + 1)).reshaped([5, 4]))).value
            #expect(maxAbs(y.slice(e..<(e + 1)).reshaped([5, 2]) - ref) < 1e-5)
        }
        #expect(worstError(layer, input: x) { layer($0) } <= 1)
        let shared = Tensor.normal([5, 4], rng: &rng)
        #expect(worstError(layer, input: shared) { layer($0) } <= 1)
    }

    @Test("MLP: dotted names, ensemble shapes, gradients for ReLU, SiLU and tanh")
    func mlp() {
        var rng = RandomGenerator(seed: 3)
        let net = MLP([4, 6, 5, 2], activation: .relu, rng: &rng)
        #expect(net.namedParameters().map(\.name) == [
            "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias",
        ])
        let x = Tensor.normal([3, 4], rng: &rng)
        for act in [Activation.relu, .silu, .tanh] {
            let net = MLP([4, 6, 5, 2], activation: act, outputActivation: .sigmoid, rng: &rng)
            #expect(worstError(net, input: x) { net($0) } <= 1, "\(act)")
        }
        let ensemble = MLP([4, 6, 1], activation: .silu, members: 3, rng: &rng)
        #expect(ensemble(Variable(x)).shape == [3, 3, 1])
        #expect(worstError(ensemble, input: x) { ensemble($0) } <= 1)
    }

    @Test("MLP(_:members:): the chosen members' outputs and gradients, none for the others")
    func chosenMembers() {
        var rng = RandomGenerator(seed: 4)
        let net = MLP([4, 6, 5, 3], activation: .silu, members: 5, rng: &rng)
        let x = Tensor.normal([7, 4], rng: &rng), seed = Tensor.normal([3, 7, 3], rng: &rng)
        let chosen = [3, 0, 4]
        let subset = net(Variable(x), members: chosen)
        let gathered = net(Variable(x)).gather(chosen, axis: 0)
        #expect(subset.shape == [3, 7, 3])
        #expect(maxAbs(subset.value - gathered.value) < 1e-6)
        let parameters = net.parameters()
        let viaSubset = gradients(of: (subset * Variable(seed)).sum(), withRespectTo: parameters)
        let viaWhole = gradients(of: (gathered * Variable(seed)).sum(), withRespectTo: parameters)
        for (a, b) in zip(viaSubset, viaWhole) {
            #expect(maxAbs(a.value - b.value) < 1e-5)
            #expect(a.value.slice(1..<2).scalars.allSatisfy { $0 == 0 })     // member 1 not chosen
            #expect(a.value.slice(0..<1).scalars.contains { $0 != 0 })       // member 0 chosen
        }
        #expect(check.worstError(leaves: parameters) { net(Variable(x), members: chosen) } <= 1)
    }

    @Test("LayerNorm: normalised rows and gradients")
    func layerNorm() {
        var rng = RandomGenerator(seed: 4)
        let norm = LayerNorm(6)
        norm.scale.value = Tensor.uniform([6], low: 0.5, high: 1.5, rng: &rng)
        norm.offset.value = Tensor.uniform([6], low: -0.5, high: 0.5, rng: &rng)
        let x = Tensor.normal([4, 6], rng: &rng)
        let plain = LayerNorm(6)(Variable(x)).value
        #expect(maxAbs(plain.mean(axis: 1)) < 1e-5)
        #expect(maxAbs(plain.square().mean(axis: 1) - 1) < 1e-3)
        #expect(worstError(norm, input: x) { norm($0) } <= 1)
    }

    @Test("SpectralNorm: σ matches the SVD after warm-up; gradient through σ (Miyato et al. 2018)")
    func spectralNorm() throws {
        var rng = RandomGenerator(seed: 5)
        let layer = Linear(6, 4, rng: &rng)
        let sn = SpectralNorm(layer, warmUpIterations: 50, rng: &rng)
        let exact = try layer.weight.value.svd().1.max()
        #expect(Swift.abs(sn.sigma - exact) / exact < 1e-3)
        let normalized = sn.normalizedWeight().value
        #expect(Swift.abs(try normalized.svd().1.max() - 1) < 1e-3)
        // Gradients with u, v held fixed (evaluation mode, so the checker's repeated calls agree).
        sn.isTraining = false
        let x = Tensor.normal([3, 6], rng: &rng)
        #expect(worstError(sn, input: x) { sn($0) } <= 1)
        // Closed form of the weight gradient: (1/σ)(Ḡ − ⟨Ḡ, W/σ⟩ v uᵀ).
        let w = layer.weight
        let gBar = Tensor.normal([6, 4], rng: &rng)
        let analytic = gradients(of: sn.normalizedWeight(), withRespectTo: [w], seed: Variable(gBar))[0].value
        let sigma = sn.sigma
        let inner = (gBar * w.value / sigma).sum()
        let outer = sn.v.reshaped([6, 1]).matmul(sn.u.reshaped([1, 4]))
        let expected = (gBar - outer * inner) / sigma
        #expect(maxAbs(analytic - expected) < 1e-4)
        // Loading parameters re-runs the warm-up.
        let scaled = layer.weight.value * 3
        sn.update(parameters: ["layer.weight": scaled])
        #expect(Swift.abs(sn.sigma - 3 * exact) / (3 * exact) < 1e-3)
    }

    @Test("freeze, update(parameters:) and parameterValues")
    func bookkeeping() {
        var rng = RandomGenerator(seed: 6)
        let net = MLP([2, 3, 1], activation: .tanh, rng: &rng)
        #expect(net.trainableParameters().count == 4)
        net.freeze()
        #expect(net.trainableParameters().isEmpty)
        let x = Variable(Tensor.normal([2, 2], rng: &rng))
        #expect(net(x).isLeaf)   // nothing recorded while frozen
        net.unfreeze()
        var values = net.parameterValues()
        values["layers.1.bias"] = Tensor([5])
        net.update(parameters: values)
        #expect(net.parameterValues()["layers.1.bias"] == Tensor([5]))
    }
}

