/// A fully connected layer, `y = x·W + b`.
///
/// ```
/// W: [in, out] ~ U(−1/√in, 1/√in)      b: [out] ~ U(−1/√in, 1/√in)      (PyTorch's default)
/// ```
/// The weight is stored `[in, out]` (the transpose of PyTorch's `nn.Linear.weight`) so the
/// forward pass is one GEMM without transposes, with the bias as its starting value.
///
/// ```swift
/// let layer = Linear(17, 256, rng: &rng)
/// let h = layer(x).relu()                 // [B, 17] → [B, 256]
/// ```
public final class Linear: Module, Layer {
    /// `[in, out]`.
    public let weight: Variable
    /// `[out]`.
    public let bias: Variable

    /// Creates a layer with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inputSize: input features.
    ///   - outputSize: output features.
    ///   - rng: the generator for the initial weights.
    public init(_ inputSize: Int, _ outputSize: Int, rng: inout RandomGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        weight = Variable(Tensor.uniform([inputSize, outputSize], low: -bound, high: bound, rng: &rng), requiresGrad: true)
        bias = Variable(Tensor.uniform([outputSize], low: -bound, high: bound, rng: &rng), requiresGrad: true)
    }

    /// Creates a layer from given values.
    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                     "Linear: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = Variable(weight, requiresGrad: true)
        self.bias = Variable(bias, requiresGrad: true)
    }

    /// Input features.
    public var inputSize: Int { weight.shape[0] }
    /// Output features.
    public var outputSize: Int { weight.shape[1] }

    /// `x·W + b` for `x` of shape `[B, in]` (or `[E, B, in]`, the same layer for every member).
    public func callAsFunction(_ x: Variable) -> Variable { Variable.affine(x, weight, bias) }
}
