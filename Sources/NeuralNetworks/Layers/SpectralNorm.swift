/// A ``Linear`` layer whose weight is divided by its largest singular value (Miyato et al. 2018).
///
/// ```
/// training forward (n power iterations, no gradient; W stored [in, out]):
///     u ← Wᵀv / ‖Wᵀv‖,   v ← W u / ‖W u‖
/// σ = vᵀ W u                 (differentiable in W; u, v held constant)
/// W_SN = c · W / σ,   y = x·W_SN + b
/// ∂L/∂W = (c/σ)(Ḡ − ⟨Ḡ, W/σ⟩_F · v uᵀ),  Ḡ = ∂L/∂W_SN      (Miyato et al. 2018, eq. 12)
/// ```
/// The vectors u, v persist between calls. Power iteration underestimates σ early on, so
/// ``warmUp(iterations:)`` runs extra iterations at creation and after loading parameters
/// (power iteration underestimates σ early). In evaluation mode (`isTraining = false`) no iteration runs.
public final class SpectralNorm: Module, Layer {
    /// The wrapped layer; its `weight` is the unnormalised W.
    public let layer: Linear
    /// The scale c (1 in Miyato et al.).
    public var scale: Float
    /// Power iterations per training forward pass.
    public var powerIterations: Int
    /// Iterations run by ``warmUp(iterations:)`` after loading.
    public var warmUpIterations: Int
    /// Whether forward passes update u and v.
    public var isTraining = true
    private var _v: Tensor
    private var _u: Tensor
    /// The left singular-vector estimate, `[in]`.
    public var v: Tensor { _v }
    /// The right singular-vector estimate, `[out]`.
    public var u: Tensor { _u }

    /// Wraps `layer`.
    /// - Parameters:
    ///   - layer: the linear layer to normalise.
    ///   - scale: c, the target spectral norm.
    ///   - powerIterations: iterations per training forward (PyTorch's default 1).
    ///   - warmUpIterations: iterations at creation and after loading (15).
    ///   - rng: draws the initial u.
    public init(_ layer: Linear, scale: Float = 1, powerIterations: Int = 1, warmUpIterations: Int = 15,
                rng: inout RandomGenerator) {
        self.layer = layer
        self.scale = scale
        self.powerIterations = powerIterations
        self.warmUpIterations = warmUpIterations
        _u = SpectralNorm.normalized(Tensor.normal([layer.outputSize], rng: &rng))
        _v = Tensor.zeros([layer.inputSize])
        super.init()
        warmUp(iterations: warmUpIterations)
    }

    /// Runs `iterations` power iterations on the current weight.
    public func warmUp(iterations: Int) {
        let w = layer.weight.value
        for _ in 0..<iterations {
            _v = SpectralNorm.normalized(w.matmul(_u.reshaped([-1, 1])).reshaped([-1]))
            _u = SpectralNorm.normalized(w.matmul(_v.reshaped([-1, 1]), transposeSelf: true).reshaped([-1]))
        }
    }

    override public func didUpdateParameters() {
        super.didUpdateParameters()
        warmUp(iterations: warmUpIterations)
    }

    /// The current estimate of σ(W) (no gradient).
    public var sigma: Float {
        _v.reshaped([1, -1]).matmul(layer.weight.value).matmul(_u.reshaped([-1, 1])).scalar
    }

    /// The normalised weight c·W/σ as a differentiable variable.
    public func normalizedWeight() -> Variable {
        if isTraining { warmUp(iterations: powerIterations) }
        let sigma = Variable(_v.reshaped([1, -1])).matmul(layer.weight).matmul(Variable(_u.reshaped([-1, 1])))
        return layer.weight / sigma * scale
    }

    /// `x·W_SN + b`.
    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.affine(x, normalizedWeight(), layer.bias)
    }

    static func normalized(_ t: Tensor) -> Tensor { t / Swift.max(t.norm(), 1e-12) }
}
