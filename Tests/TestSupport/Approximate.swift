import LinearAlgebra

/// Approximate comparison for tests: |a − b| ≤ atol + rtol·|b| elementwise.
public func isClose(_ a: Float, _ b: Float, rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
    if a == b { return true }
    return Swift.abs(a - b) <= atol + rtol * Swift.abs(b)
}

/// Whether two tensors have the same shape and all elements close.
public func isClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
    guard a.shape == b.shape else { return false }
    let x = a.scalars, y = b.scalars
    for i in 0..<x.count where !isClose(x[i], y[i], rtol: rtol, atol: atol) { return false }
    return true
}

/// The largest absolute elementwise difference of two equally shaped tensors.
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "maxAbsDifference: shapes \(a.shape) and \(b.shape) differ")
    let x = a.scalars, y = b.scalars
    var worst: Float = 0
    for i in 0..<x.count { worst = Swift.max(worst, Swift.abs(x[i] - y[i])) }
    return worst
}
