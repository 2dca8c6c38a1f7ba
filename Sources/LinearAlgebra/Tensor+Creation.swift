// Factory functions. Random ones take the generator explicitly (`rng: &rng`) so runs are seeded.

extension Tensor {
    /// A tensor of zeros.
    @inlinable public static func zeros(_ shape: TensorShape) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    @inlinable public static func ones(_ shape: TensorShape) -> Tensor { Tensor(repeating: 1, shape: shape) }
    /// Zeros with the shape of `other`.
    @inlinable public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var result = zeros([n, n])
        result.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * n + i] = 1 } }
        return result
    }

    /// The values start, start+1, …, start+count−1 as a rank-1 tensor.
    public static func arange(_ count: Int, start: Float = 0) -> Tensor {
        Tensor(shape: [count]) { p in for i in 0..<count { p[i] = start + Float(i) } }
    }

    /// Independent N(mean, std²) samples.
    public static func normal(_ shape: TensorShape, mean: Float = 0, std: Float = 1,
                              rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { p in
            var i = 0
            while i + 1 < p.count {
                let (a, b) = rng.normalPair()
                p[i] = mean + std * a
                p[i + 1] = mean + std * b
                i += 2
            }
            if i < p.count { p[i] = mean + std * rng.normal() }
        }
    }

    /// Independent uniform samples in [low, high).
    public static func uniform(_ shape: TensorShape, low: Float = 0, high: Float = 1,
                               rng: inout RandomGenerator) -> Tensor {
        tensorPrecondition(low <= high, "uniform: low \(low) exceeds high \(high)")
        return Tensor(shape: shape) { p in
            for i in 0..<p.count { p[i] = rng.uniform(low, high) }
        }
    }
}
