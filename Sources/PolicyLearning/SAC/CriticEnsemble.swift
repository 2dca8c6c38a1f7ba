/// N state-action value networks held as one ensemble: every layer is one batched
/// `[N, B, ·]` operation (CORL's `VectorizedLinear`), so N = 10 costs one op per layer.
///
/// ```
/// Qᵢ(s, a) = MLPᵢ([s, a]),   i = 1 … N,   output [N, B]
/// ```
/// With ``spectralNormalization`` set, the chosen layers are ``NeuralNetworks/EnsembleSpectralNorm``
/// wrappers (per member), whose power-iteration vectors are saved with the parameters.
public final class CriticEnsemble: Module {
    /// The N member networks, `[obs + act] → hidden → 1`, ReLU.
    public let network: MLP
    /// Ensemble size N.
    public let members: Int
    /// The spectral normalization of the layers, or `nil` for plain layers.
    public let spectralNormalization: CriticSpectralNormalization?
    /// The states' standardization before the first layer, or `nil` (raw states).
    public let observationStandardization: ObservationStandardization?

    /// Creates N independently initialised critics.
    /// - Parameters:
    ///   - observationDimension: state width.
    ///   - actionDimension: action width.
    ///   - hiddenSizes: hidden widths.
    ///   - members: N ≥ 1.
    ///   - spectralNormalization: which layers to normalise, or `nil` (the default: plain layers,
    ///     drawing exactly the same random numbers as before this option existed).
    ///   - observationStandardization: the states' standardization, or `nil` (draws nothing).
    ///   - rng: the generator for the initial weights (and the initial power-iteration vectors).
    public init(observationDimension: Int, actionDimension: Int, hiddenSizes: [Int], members: Int,
                spectralNormalization: CriticSpectralNormalization? = nil,
                observationStandardization: ObservationStandardization? = nil, rng: inout RandomGenerator) {
        precondition(members >= 1, "CriticEnsemble: needs at least one member")
        let plain = MLP([observationDimension + actionDimension] + hiddenSizes + [1], activation: .relu,
                        members: members, rng: &rng)
        if let sn = spectralNormalization {
            if let problem = sn.problem(layerCount: plain.layers.count) {
                preconditionFailure("CriticEnsemble: spectral normalization: \(problem)")
            }
            var layers = [Module]()
            for (i, layer) in plain.layers.enumerated() {
                let linear = layer as! EnsembleLinear
                layers.append(sn.normalizes(layer: i)
                    ? EnsembleSpectralNorm(linear, scale: sn.scale, powerIterations: sn.powerIterations,
                                           warmUpIterations: sn.warmUpIterations, rng: &rng)
                    : linear)
            }
            network = MLP(layers: layers, activation: .relu)
        } else {
            network = plain
        }
        self.members = members
        self.spectralNormalization = spectralNormalization
        self.observationStandardization = observationStandardization
    }

    /// Q-values of every member, `[N, B]`, for `[B, obs]` observations and `[B, act]` actions.
    public func callAsFunction(_ observations: Variable, _ actions: Variable) -> Variable {
        let b = observations.shape[0], states = observationStandardization?(observations) ?? observations
        return network(Variable.concatenate([states, actions], axis: 1)).reshaped([members, b])
    }

    /// Q-values for per-member inputs `[N, B, obs]` and `[N, B, act]` (each member sees its own
    /// copy, so input-gradients are per member: EDAC's diversity term needs this).
    public func perMember(_ observations: Variable, _ actions: Variable) -> Variable {
        let b = observations.shape[1], states = observationStandardization?(observations) ?? observations
        return network(Variable.concatenate([states, actions], axis: 2)).reshaped([members, b])
    }

    /// N copies of `[B, ·]` rows as `[N, B, ·]`, one per member, for ``perMember(_:_:)``.
    public func memberCopies(_ rows: Tensor) -> Tensor {
        precondition(rows.rank == 2, "CriticEnsemble.memberCopies: expects [B, ·], got \(rows.shape)")
        return Tensor.zeros([members, rows.shape[0], rows.shape[1]]) + rows.reshaped([1, rows.shape[0], rows.shape[1]])
    }

    /// The spectrally normalised layers, input side first (empty without normalization).
    public var spectralNormLayers: [EnsembleSpectralNorm] { network.layers.compactMap { $0 as? EnsembleSpectralNorm } }

    /// The weight each affine layer applies, `[N, in, out]`, input layer first: c·W/σ̂ for
    /// normalised layers (current estimates, no iteration), W otherwise. No gradient.
    public func effectiveWeights() -> [Tensor] {
        network.layers.map { layer in
            if let sn = layer as? EnsembleSpectralNorm { return sn.normalizedWeightValue() }
            return (layer as! EnsembleLinear).weight.value
        }
    }

    /// Runs `body` with the normalised layers' power iteration paused, so that extra forward
    /// passes (adversarial attacks, diagnostics) leave u and v as the training step left them.
    public func withoutPowerIteration<R>(_ body: () throws -> R) rethrows -> R {
        let layers = spectralNormLayers
        let saved = layers.map(\.isTraining)
        for layer in layers { layer.isTraining = false }
        defer { for (layer, flag) in zip(layers, saved) { layer.isTraining = flag } }
        return try body()
    }
}
