/// A multilayer perceptron: affine layers with an activation between them.
///
/// ```
/// h₀ = x,   hₗ = φ(hₗ₋₁·Wₗ + bₗ) for hidden layers,   y = ψ(h_{L−1}·W_L + b_L)
/// ```
/// With `members: E` every layer is an ``EnsembleLinear`` and the network is E independent MLPs
/// evaluated as one batched op per layer (critic and dynamics ensembles).
///
/// ```swift
/// let critics = MLP([23, 256, 256, 256, 1], activation: .relu, members: 10, rng: &rng)
/// let q = critics(Variable(stateAction))     // [B, 23] → [10, B, 1]
/// ```
public final class MLP: Module, Layer {
    /// The affine layers, input first.
    public let layers: [Module]
    /// The hidden activation φ.
    public let activation: Activation
    /// The output activation ψ.
    public let outputActivation: Activation

    /// Builds the network.
    /// - Parameters:
    ///   - sizes: layer widths, input first, output last (at least two).
    ///   - activation: hidden activation.
    ///   - outputActivation: activation after the last layer (identity by default).
    ///   - members: ensemble size, or `nil` for a single network.
    ///   - rng: the generator for the initial weights.
    public init(_ sizes: [Int], activation: Activation, outputActivation: Activation = .identity,
                members: Int? = nil, rng: inout RandomGenerator) {
        precondition(sizes.count >= 2, "MLP: need at least input and output sizes, got \(sizes)")
        var layers = [Module]()
        for i in 0..<(sizes.count - 1) {
            if let members {
                layers.append(EnsembleLinear(members: members, sizes[i], sizes[i + 1], rng: &rng))
            } else {
                layers.append(Linear(sizes[i], sizes[i + 1], rng: &rng))
            }
        }
        self.layers = layers
        self.activation = activation
        self.outputActivation = outputActivation
    }

    /// Builds the network from existing layers (each must be a ``Layer``).
    public init(layers: [Module], activation: Activation, outputActivation: Activation = .identity) {
        precondition(layers.allSatisfy { $0 is Layer }, "MLP: every layer must conform to Layer")
        self.layers = layers
        self.activation = activation
        self.outputActivation = outputActivation
    }

    /// Applies every layer; linear layers and their activation run as one fused operation
    /// (``Variable/affine(_:_:_:activation:)``).
    public func callAsFunction(_ x: Variable) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            let phi = i == layers.count - 1 ? outputActivation : activation
            if let linear = layer as? Linear {
                h = Variable.affine(h, linear.weight, linear.bias, activation: phi)
            } else if let linear = layer as? EnsembleLinear {
                h = Variable.affine(h, linear.weight, linear.bias, activation: phi)
            } else {
                h = phi((layer as! any Layer)(h))
            }
        }
        return h
    }

    /// The chosen members of an ensemble network, `[K, B, out]` for `members.count` = K: the values
    /// of ``callAsFunction(_:)`` gathered at `members`, at K/E of its cost forward and backward
    /// (each layer's weights are gathered, differentiably, before its product).
    /// - Precondition: every layer is an ``EnsembleLinear``.
    public func callAsFunction(_ x: Variable, members: [Int]) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            guard let linear = layer as? EnsembleLinear else {
                preconditionFailure("MLP(_:members:): layer \(i) is \(type(of: layer)), not an EnsembleLinear")
            }
            let phi = i == layers.count - 1 ? outputActivation : activation
            h = Variable.affine(h, linear.weight.gather(members, axis: 0), linear.bias.gather(members, axis: 0), activation: phi)
        }
        return h
    }
}
