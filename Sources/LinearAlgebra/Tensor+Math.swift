#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Unary elementwise math. Each numerically delicate function says which form it evaluates.

extension Tensor {
    /// eˣ elementwise.
    @inlinable public func exp() -> Tensor { map { expf($0) } }
    /// Natural logarithm elementwise (−inf at 0, NaN below).
    @inlinable public func log() -> Tensor { map { logf($0) } }
    /// Square root elementwise.
    @inlinable public func sqrt() -> Tensor { map { FastMath.squareRoot($0) } }
    /// x² elementwise.
    @inlinable public func square() -> Tensor { map { $0 * $0 } }
    /// |x| elementwise.
    @inlinable public func abs() -> Tensor { map { Swift.abs($0) } }
    /// Hyperbolic tangent elementwise.
    @inlinable public func tanh() -> Tensor { map { tanhf($0) } }
    /// xᵖ elementwise.
    @inlinable public func pow(_ exponent: Float) -> Tensor {
        exponent == 2 ? square() : map { powf($0, exponent) }
    }

    /// The logistic function 1 / (1 + e⁻ˣ), evaluated without overflow for large |x|.
    @inlinable public func sigmoid() -> Tensor { map(Tensor.sigmoid) }

    /// max(x, 0) elementwise.
    @inlinable public func relu() -> Tensor { map { Swift.max($0, 0) } }

    /// SiLU ("swish"): x · sigmoid(x).
    @inlinable public func silu() -> Tensor { map { $0 * Tensor.sigmoid($0) } }

    /// softplus(x) = log(1 + eˣ), evaluated as max(x, 0) + log1p(e^−|x|) so it never overflows.
    @inlinable public func softplus() -> Tensor { map(Tensor.softplus) }

    /// Each element limited to `[lower, upper]`.
    @inlinable public func clamped(min lower: Float, max upper: Float) -> Tensor {
        tensorPrecondition(lower <= upper, "clamped: lower bound \(lower) exceeds upper bound \(upper)")
        return map { Swift.min(Swift.max($0, lower), upper) }
    }

    /// Stable scalar logistic function.
    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    /// Stable scalar softplus.
    @inlinable
    public static func softplus(_ x: Float) -> Float { Swift.max(x, 0) + log1pf(expf(-Swift.abs(x))) }

    /// Whether every element is finite (no NaN or ±inf).
    public var isFinite: Bool { withUnsafeBufferPointer { $0.allSatisfy { $0.isFinite } } }
}
