/// Layer normalisation over the last axis (Ba, Kiros & Hinton 2016).
///
/// ```
/// μ = mean(x),  σ² = mean((x − μ)²),  y = (x − μ) / √(σ² + ε) · γ + β
/// ```
/// Built from differentiable operations, so it supports double backward. Note that it breaks the
/// Lipschitz bound of a spectrally normalised network (Miyato et al. 2018).
public final class LayerNorm: Module, Layer {
    /// γ, `[features]`, initialised to ones.
    public let scale: Variable
    /// β, `[features]`, initialised to zeros.
    public let offset: Variable
    /// ε added to the variance.
    public let epsilon: Float

    /// Creates the layer.
    /// - Parameters:
    ///   - features: size of the last axis.
    ///   - epsilon: variance floor (PyTorch's default 1e-5).
    public init(_ features: Int, epsilon: Float = 1e-5) {
        scale = Variable(Tensor.ones([features]), requiresGrad: true)
        offset = Variable(Tensor.zeros([features]), requiresGrad: true)
        self.epsilon = epsilon
    }

    /// Normalises each row of `x` (last axis).
    public func callAsFunction(_ x: Variable) -> Variable {
        let centered = x - x.mean(axis: -1, keepDims: true)
        let variance = centered.square().mean(axis: -1, keepDims: true)
        return centered / (variance + epsilon).sqrt() * scale + offset
    }
}
