/// Per-feature standardization `x̂ = (x − mean) / std`, fitted on a dataset's observations.
///
/// Epsilon convention (CORL and OfflineRL-Kit's MOBILE): `std` is the population standard
/// deviation (numpy's `std(0)`, divisor N) **plus** `epsilon` (default 1e-3), so constant
/// features divide by `epsilon` instead of zero:
/// ```
/// mean_j = Σ_i x_ij / N
/// std_j  = sqrt(Σ_i (x_ij − mean_j)² / N) + epsilon
/// ```
public struct Normalizer: Sendable, Equatable, Codable {
    /// Per-feature means.
    public var mean: [Float]
    /// Per-feature standard deviations, epsilon included.
    public var std: [Float]

    /// Creates a normalizer from statistics.
    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "Normalizer: \(mean.count) means but \(std.count) deviations")
        self.mean = mean
        self.std = std
    }

    /// Fits per-column statistics of a `[N, features]` tensor (accumulated in Double).
    /// - Parameters:
    ///   - data: Rows to fit, `[N, features]` with N ≥ 1.
    ///   - epsilon: Added to each standard deviation (default 1e-3).
    public init(fitting data: Tensor, epsilon: Float = 1e-3) {
        precondition(data.rank == 2 && data.shape[0] > 0, "Normalizer(fitting:): need [N, features] with N > 0, got \(data.shape)")
        let n = data.shape[0], d = data.shape[1]
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        data.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { sum[j] += Double(x[i * d + j]) } }
            let means = sum.map { $0 / Double(n) }
            for i in 0..<n { for j in 0..<d { let c = Double(x[i * d + j]) - means[j]; squares[j] += c * c } }
        }
        mean = sum.map { Float($0 / Double(n)) }
        std = squares.map { Float(($0 / Double(n)).squareRoot()) + epsilon }
    }

    /// The width it normalizes.
    public var dimension: Int { mean.count }

    /// Normalizes every row of `[N, dimension]` (or one `[dimension]` vector) in place.
    public func normalize(_ x: inout Tensor) {
        let d = dimension
        precondition(x.count % Swift.max(d, 1) == 0 && x.shape[x.rank - 1] == d, "Normalizer: last axis of \(x.shape) is not \(d)")
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = (p[i] - mean[i % d]) / std[i % d] }
        }
    }

    /// Returns `x` normalized.
    public func normalized(_ x: Tensor) -> Tensor {
        var y = x
        normalize(&y)
        return y
    }

    /// Undoes ``normalize(_:)`` in place: `x = x̂ · std + mean`.
    public func denormalize(_ x: inout Tensor) {
        let d = dimension
        precondition(x.shape[x.rank - 1] == d, "Normalizer: last axis of \(x.shape) is not \(d)")
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = p[i] * std[i % d] + mean[i % d] }
        }
    }
}
