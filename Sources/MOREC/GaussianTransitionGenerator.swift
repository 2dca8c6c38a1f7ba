/// The generator of adversarial reward learning: a Gaussian over normalized state changes,
/// P_φ(d̃ | s̃, ã) = N(μ_φ, diag σ_φ²), d̃ = s̃' − s̃ (<doc:RewardConsistentDynamics>, step 1 of the learner).
///
/// ```
/// [μ, l] = MLP_φ([s̃, ã])                     SiLU hidden layers
/// log σ = lo + (hi − lo)·sigmoid(l)          bounded in [−8, 1] (our choice)
/// d̃ = μ + σ·ε,  ε ~ N(0, I)                  (reparameterized, so the discriminator's gradient reaches φ)
/// ```
public final class GaussianTransitionGenerator: Module {
    /// `[s̃, ã] → [μ, l]`.
    public let network: MLP
    /// Output width (the observation width).
    public let outputDimension: Int
    static let logStdBounds: (low: Float, high: Float) = (-8, 1)

    /// A fresh generator.
    public init(inputDimension: Int, outputDimension: Int, hiddenSizes: [Int], rng: inout RandomGenerator) {
        network = MLP([inputDimension] + hiddenSizes + [2 * outputDimension], activation: .silu, rng: &rng)
        self.outputDimension = outputDimension
    }

    /// Mean and log standard deviation, `[B, obs]` each.
    public func distribution(_ inputs: Variable) -> (mean: Variable, logStd: Variable) {
        let out = network(inputs)
        let o = outputDimension, (lo, hi) = Self.logStdBounds
        return (out.slice(0..<o, axis: 1), out.slice(o..<(2 * o), axis: 1).sigmoid() * (hi - lo) + lo)
    }

    /// Gaussian negative log-likelihood of `targets` per row and dimension, averaged (constant dropped).
    public func negativeLogLikelihood(_ inputs: Variable, targets: Tensor) -> Variable {
        let (mean, logStd) = distribution(inputs)
        let z = (Variable(targets) - mean) * (-logStd).exp()
        return (z.square() * 0.5 + logStd).mean()
    }
}
