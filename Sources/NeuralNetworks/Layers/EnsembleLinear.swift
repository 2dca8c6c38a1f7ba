/// E independent fully connected layers evaluated as one batched operation.
///
/// ```
/// y[e] = x[e]·W[e] + b[e]       W: [E, in, out], b: [E, 1, out], both ~ U(−1/√in, 1/√in)
/// ```
/// The input is `[E, B, in]` (each member its own batch) or `[B, in]` (shared by all members);
/// the output is `[E, B, out]`. This is CORL's `VectorizedLinear` and OfflineRL-Kit's
/// `EnsembleLinear`: a critic ensemble or a dynamics ensemble costs one op per layer.
public final class EnsembleLinear: Module, Layer {
    /// `[E, in, out]`.
    public let weight: Variable
    /// `[E, 1, out]`.
    public let bias: Variable

    /// Creates the layer; every member is drawn independently.
    /// - Parameters:
    ///   - members: ensemble size E.
    ///   - inputSize: input features.
    ///   - outputSize: output features.
    ///   - rng: the generator for the initial weights.
    public init(members: Int, _ inputSize: Int, _ outputSize: Int, rng: inout RandomGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        weight = Variable(Tensor.uniform([members, inputSize, outputSize], low: -bound, high: bound, rng: &rng),
                          requiresGrad: true)
        bias = Variable(Tensor.uniform([members, 1, outputSize], low: -bound, high: bound, rng: &rng),
                        requiresGrad: true)
    }

    /// Ensemble size.
    public var members: Int { weight.shape[0] }
    /// Input features.
    public var inputSize: Int { weight.shape[1] }
    /// Output features.
    public var outputSize: Int { weight.shape[2] }

    /// `x[e]·W[e] + b[e]` for every member.
    public func callAsFunction(_ x: Variable) -> Variable { Variable.affine(x, weight, bias) }
}
