/// An ``EnsembleLinear`` layer whose weight is divided, member by member, by its largest singular
/// value (Miyato et al. 2018): the ensemble counterpart of ``SpectralNorm``.
///
/// ```
/// per member e (W_e stored [in, out]; u_e ∈ ℝ^out, v_e ∈ ℝ^in, persistent):
///   power iteration, no gradient:   v_e ← W_e u_e / ‖W_e u_e‖,   u_e ← W_eᵀ v_e / ‖W_eᵀ v_e‖
///   σ_e = v̂_eᵀ W_e û_e               (differentiable in W_e; û, v̂ the unit vectors, held constant)
///   W_SN,e = c · W_e / σ_e,   y[e] = x[e]·W_SN,e + b[e]
///   ∂L/∂W_e = (c/σ_e)(Ḡ_e − ⟨Ḡ_e, W_e/σ_e⟩_F · v̂_e û_eᵀ)            (u, v held constant)
/// ```
///
/// Unlike ``SpectralNorm`` the vectors u and v are parameters that never require gradients, so
/// checkpoints save them and loading restores them exactly: a resumed run continues bit for bit
/// (no re-warm-up on load). Optimizers skip them (they do not require gradients); a Polyak
/// update averages them into a target network's copies.
///
/// Power iteration runs on every forward pass while ``isTraining`` is set and the weight is
/// trainable (PyTorch's semantics), so a frozen target network never iterates: it computes σ
/// from its own (Polyak-averaged) vectors. Power iteration underestimates σ early, so
/// `warmUpIterations` iterations run at creation (with 1 iteration per step, σ reached
/// 0.71, 0.93 and 0.96 of its value after 1, 5 and 50 steps on a drifting 256×256 matrix).
///
/// ```swift
/// let layer = EnsembleSpectralNorm(EnsembleLinear(members: 10, 256, 256, rng: &rng), scale: 2, rng: &rng)
/// let y = layer(Variable(x))     // [10, B, 256]; each member's map has spectral norm ≈ 2
/// ```
///
/// ### See Also
/// - ``SpectralNorm``
/// - ``EnsembleLinear``
public final class EnsembleSpectralNorm: Module, Layer {
    /// The wrapped layer; its `weight` is the unnormalised W, `[E, in, out]`.
    public let layer: EnsembleLinear
    /// Right singular-vector estimates, `[E, out]` (never requires gradients; saved in checkpoints).
    public let u: Variable
    /// Left singular-vector estimates, `[E, in]` (never requires gradients; saved in checkpoints).
    public let v: Variable
    /// The scale c: each member's normalised weight has spectral norm c (1 in Miyato et al.).
    public var scale: Float
    /// Power iterations per training forward pass (PyTorch's default 1).
    public var powerIterations: Int
    /// Whether forward passes run power iterations (when the weight is also trainable).
    public var isTraining = true

    /// Wraps `layer`.
    /// - Parameters:
    ///   - layer: the ensemble layer to normalise.
    ///   - scale: c, the target spectral norm of every member (> 0).
    ///   - powerIterations: iterations per training forward (≥ 0).
    ///   - warmUpIterations: iterations run now (≥ 0; 15 by default).
    ///   - rng: draws the initial u.
    public init(_ layer: EnsembleLinear, scale: Float = 1, powerIterations: Int = 1, warmUpIterations: Int = 15,
                rng: inout RandomGenerator) {
        precondition(scale > 0, "EnsembleSpectralNorm: scale must be positive, got \(scale)")
        precondition(powerIterations >= 0 && warmUpIterations >= 0,
                     "EnsembleSpectralNorm: iteration counts must be non-negative, got \(powerIterations) and \(warmUpIterations)")
        self.layer = layer
        self.scale = scale
        self.powerIterations = powerIterations
        let e = layer.members
        u = Variable(Self.rowNormalized(Tensor.normal([e, layer.outputSize], rng: &rng)))
        v = Variable(Tensor.zeros([e, layer.inputSize]))
        super.init()
        warmUp(iterations: warmUpIterations)
    }

    /// Ensemble size.
    public var members: Int { layer.members }

    /// Runs `iterations` power iterations on the current weights, updating u and v.
    public func warmUp(iterations: Int) {
        guard iterations > 0 else { return }
        let w = layer.weight.value
        let e = members, n = layer.inputSize, m = layer.outputSize
        var uu = u.value, vv = v.value
        for _ in 0..<iterations {
            vv = Self.rowNormalized(w.matmul(uu.reshaped([e, m, 1])).reshaped([e, n]))                       // W u
            uu = Self.rowNormalized(w.matmul(vv.reshaped([e, n, 1]), transposeSelf: true).reshaped([e, m])) // Wᵀ v
        }
        u.value = uu
        v.value = vv
    }

    /// The current estimates σ_e = v̂_eᵀ W_e û_e, `[E]` (no iteration, no gradient).
    public var sigmas: Tensor {
        let e = members
        return Self.rowNormalized(v.value).reshaped([e, 1, layer.inputSize]).matmul(layer.weight.value)
            .matmul(Self.rowNormalized(u.value).reshaped([e, layer.outputSize, 1])).reshaped([e])
    }

    /// The normalised weights c·W_e/σ_e as a differentiable variable, `[E, in, out]`; runs the
    /// power iterations first when training.
    public func normalizedWeight() -> Variable {
        if isTraining && layer.weight.requiresGrad { warmUp(iterations: powerIterations) }
        let e = members
        let vHat = Variable(Self.rowNormalized(v.value).reshaped([e, 1, layer.inputSize]))
        let uHat = Variable(Self.rowNormalized(u.value).reshaped([e, layer.outputSize, 1]))
        let sigma = vHat.matmul(layer.weight).matmul(uHat)                                   // [E, 1, 1]
        return layer.weight / sigma * scale
    }

    /// The normalised weights as a tensor, without iterating (for diagnostics).
    public func normalizedWeightValue() -> Tensor {
        layer.weight.value / sigmas.reshaped([members, 1, 1]) * scale
    }

    /// `x[e]·W_SN,e + b[e]` for every member.
    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.affine(x, normalizedWeight(), layer.bias)
    }

    /// Each row of a `[E, k]` tensor divided by its Euclidean norm (floored at 1e-12).
    static func rowNormalized(_ t: Tensor) -> Tensor {
        let norms = t.square().sum(axis: 1, keepDims: true).sqrt().map { Swift.max($0, 1e-12) }
        return t / norms
    }
}
