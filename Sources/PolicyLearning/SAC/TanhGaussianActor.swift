/// The SAC policy network: an MLP trunk with one head producing the pre-tanh mean μ and log σ of a
/// tanh-squashed diagonal Gaussian (Haarnoja et al. 2018, appendix C).
///
/// ```
/// [μ, log σ] = W·h(s) + b,   log σ clamped to the configured range,   a = tanh(μ + σ·ε)
/// ```
public final class TanhGaussianActor: Module {
    /// Hidden layers (ReLU after every layer).
    public let trunk: MLP
    /// The output layer, 2·|A| wide: μ then log σ.
    public let head: Linear
    /// Action dimensions.
    public let actionDimension: Int
    /// Clamp range of log σ.
    public let logStdRange: ClosedRange<Float>
    /// The states' standardization before the trunk, or `nil` (raw states).
    public let observationStandardization: ObservationStandardization?

    /// Creates the actor with freshly initialised weights (`observationStandardization` draws no
    /// random numbers, so the weights are the same with or without it).
    public init(observationDimension: Int, actionDimension: Int, hiddenSizes: [Int],
                logStdRange: ClosedRange<Float> = -5...2, observationStandardization: ObservationStandardization? = nil,
                rng: inout RandomGenerator) {
        precondition(!hiddenSizes.isEmpty, "TanhGaussianActor: needs at least one hidden layer")
        trunk = MLP([observationDimension] + hiddenSizes, activation: .relu, outputActivation: .relu, rng: &rng)
        head = Linear(hiddenSizes.last!, 2 * actionDimension, rng: &rng)
        self.actionDimension = actionDimension
        self.logStdRange = logStdRange
        self.observationStandardization = observationStandardization
    }

    /// π(·|s) for a batch of observations `[B, obs]`.
    public func distribution(_ observations: Variable) -> TanhGaussian {
        let out = head(trunk(observationStandardization?(observations) ?? observations))
        let a = actionDimension
        return TanhGaussian(mean: out.slice(0..<a, axis: 1),
                            logStd: out.slice(a..<(2 * a), axis: 1).clamped(min: logStdRange.lowerBound, max: logStdRange.upperBound))
    }

    /// Actions for `[B, obs]` observations without recording gradients: tanh(μ) when
    /// `deterministic` (evaluation), else a sample.
    public func act(_ observations: Tensor, deterministic: Bool, rng: inout RandomGenerator) -> Tensor {
        let dist = withoutGradients { distribution(Variable(observations)) }
        return deterministic ? dist.mode.value : dist.sample(rng: &rng).action.value
    }

    /// A sampled action and its log-probability, not recorded for differentiation.
    public func sampleWithLogProb(_ observations: Tensor, rng: inout RandomGenerator) -> (action: Tensor, logProb: Tensor) {
        withoutGradients {
            let (a, lp) = distribution(Variable(observations)).sample(rng: &rng)
            return (a.value, lp.value)
        }
    }

    /// Runs `body` with the actor's parameters frozen, so nothing is recorded for backward.
    private func withoutGradients<R>(_ body: () -> R) -> R {
        let trainable = parameters().filter(\.requiresGrad)
        for p in trainable { p.requiresGrad = false }
        defer { for p in trainable { p.requiresGrad = true } }
        return body()
    }
}
