#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Gaussian with diagonal covariance over the last axis, differentiable in its parameters.
///
/// ```
/// log p(x) = Σᵢ [ −½((xᵢ − μᵢ)/σᵢ)² − log σᵢ − ½ log 2π ]
/// H        = Σᵢ [ log σᵢ + ½(1 + log 2π) ]
/// sample   = μ + σ ⊙ ε,  ε ~ N(0, I)          (reparameterisation; Kingma & Welling 2014)
/// ```
/// Shapes: `mean` and `logStd` broadcast together, e.g. `[B, A]`; log-probabilities and
/// entropies are `[B]` (summed over the last axis).
public struct DiagonalGaussian {
    /// μ.
    public var mean: Variable
    /// log σ.
    public var logStd: Variable

    /// Creates the distribution.
    public init(mean: Variable, logStd: Variable) {
        self.mean = mean
        self.logStd = logStd
    }

    /// ½ log 2π.
    static let halfLogTwoPi = Float(0.5 * Foundation_log(2 * Double.pi))

    /// log p(x), summed over the last axis.
    public func logProb(_ x: Variable) -> Variable {
        let z = (x - mean) * (-logStd).exp()
        return (z.square() * -0.5 - logStd - DiagonalGaussian.halfLogTwoPi).sum(axis: -1)
    }

    /// The differential entropy, summed over the last axis.
    public func entropy() -> Variable {
        let perDimension = logStd + (0.5 + DiagonalGaussian.halfLogTwoPi)
        return perDimension.broadcast(to: TensorShape.broadcast(mean.shape, logStd.shape)).sum(axis: -1)
    }

    /// A reparameterised sample μ + σ ⊙ ε (gradients flow to μ and log σ).
    public func sample(rng: inout RandomGenerator) -> Variable {
        let shape = TensorShape.broadcast(mean.shape, logStd.shape)
        return sample(noise: Tensor.normal(shape, rng: &rng))
    }

    /// μ + σ ⊙ ε for given standard-normal noise ε.
    public func sample(noise: Tensor) -> Variable { mean + logStd.exp() * Variable(noise) }
}

@usableFromInline func Foundation_log(_ x: Double) -> Double { log(x) }
