/// Per-feature standardisation of model inputs, OfflineRL-Kit's `StandardScaler`
/// (`offlinerlkit/utils/scaler.py`):
///
/// ```
/// μ_j = mean_i x_ij,   σ_j = sqrt(mean_i (x_ij − μ_j)²)  (population),   σ_j < 1e-12 → 1
/// x̂ = (x − μ) / σ
/// ```
/// Unlike ``OfflineData/Normalizer`` (σ + 1e-3), near-constant features divide by 1.
public struct StandardScaler: Sendable {
    /// μ, `[features]`.
    public var mean: Tensor
    /// σ, `[features]`.
    public var std: Tensor

    /// Fits μ and σ on the rows of `data` (`[N, features]`, accumulated in Float64).
    public init(fitting data: Tensor) {
        precondition(data.rank == 2 && data.shape[0] > 0, "StandardScaler: need [N, features] with N > 0, got \(data.shape)")
        let n = data.shape[0], d = data.shape[1]
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        data.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { sum[j] += Double(x[i * d + j]) } }
            for j in 0..<d { sum[j] /= Double(n) }
            for i in 0..<n { for j in 0..<d { let c = Double(x[i * d + j]) - sum[j]; squares[j] += c * c } }
        }
        mean = Tensor(sum.map { Float($0) })
        std = Tensor(squares.map { s in
            let sigma = (s / Double(n)).squareRoot()
            return sigma < 1e-12 ? 1 : Float(sigma)
        })
    }

    /// `(x − μ) / σ` for every row of `x` (`[N, features]`).
    public func transform(_ x: Tensor) -> Tensor {
        let d = mean.count
        precondition(x.rank == 2 && x.shape[1] == d, "StandardScaler: input \(x.shape), expected [N, \(d)]")
        var result = x
        result.withUnsafeMutableBufferPointer { p in
            mean.withUnsafeBufferPointer { mu in
                std.withUnsafeBufferPointer { sd in
                    for i in 0..<x.shape[0] { for j in 0..<d { p[i * d + j] = (p[i * d + j] - mu[j]) / sd[j] } }
                }
            }
        }
        return result
    }
}
