/// A diagonal Gaussian squashed by tanh: the SAC policy (Haarnoja et al. 2018, appendix C).
///
/// ```
/// u ~ N(μ, σ²),  a = tanh(u)
/// log π(a) = log N(u; μ, σ) − Σᵢ log(1 − tanh²uᵢ)                  (Haarnoja et al. 2018, eq. 21)
/// log(1 − tanh²u) = 2(log 2 − u − softplus(−2u))                   (stable for every u)
/// ```
/// The stable form never takes the log of a number that rounds to 0, unlike the common
/// `log(1 − a² + 1e-6)`, so log-probabilities stay exact for saturated actions.
public struct TanhGaussian {
    /// The Gaussian before squashing.
    public var base: DiagonalGaussian

    /// Creates the distribution from the pre-tanh mean and log standard deviation.
    public init(mean: Variable, logStd: Variable) {
        base = DiagonalGaussian(mean: mean, logStd: logStd)
    }

    /// log(1 − tanh²u) per element, in the stable form.
    public static func logOneMinusTanhSquared(_ u: Variable) -> Variable {
        ((-2 * u).softplus() + u) * -2 + 2 * Float(0.693_147_180_559_945_3)
    }

    /// log π(tanh u) for a pre-tanh value `u`, summed over the last axis.
    public func logProb(preTanh u: Variable) -> Variable {
        base.logProb(u) - TanhGaussian.logOneMinusTanhSquared(u).sum(axis: -1)
    }

    /// A reparameterised action and its log-probability.
    /// - Returns: `action` = tanh(u) (shape of μ) and `logProb` (summed over the last axis).
    public func sample(rng: inout RandomGenerator) -> (action: Variable, logProb: Variable) {
        let u = base.sample(rng: &rng)
        return (u.tanh(), logProb(preTanh: u))
    }

    /// As ``sample(rng:)`` with given standard-normal noise.
    public func sample(noise: Tensor) -> (action: Variable, logProb: Variable) {
        let u = base.sample(noise: noise)
        return (u.tanh(), logProb(preTanh: u))
    }

    /// The deterministic (evaluation) action tanh(μ).
    public var mode: Variable { base.mean.tanh() }
}
