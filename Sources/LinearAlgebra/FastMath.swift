import CArmadillo

/// Branch-free elementwise functions that vectorise inside loops (libm's `expf` does not), shared
/// by the autodiff kernels and the dynamics models.
public enum FastMath {
    /// eˣ by Cody–Waite range reduction and Cephes' degree-6 polynomial (about 1 ulp over the
    /// Float range), clamped to the finite range instead of overflowing to inf.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87.0), 88.0)
        // Round x·log₂e to an integer n with the 1.5·2²³ trick: the sum's low mantissa bits hold n.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        return p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }

    /// √x, correctly rounded (bit-identical to `Float.squareRoot()`), but without libm's errno
    /// path, so loops using it vectorise.
    @inlinable @inline(__always)
    public static func squareRoot(_ x: Float) -> Float { orl_sqrtf(x) }

    /// ``exp(_:)`` on eight lanes at once: the same operations in the same order, so each lane is
    /// bit-identical to the scalar version. For loops the compiler does not vectorise by itself.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // The scalar min/max as lane selects (`clamped` calls unspecialised generic code).
        let x = x.replacing(with: -87, where: x .< -87).replacing(with: 88, where: x .> 88)
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    /// log(1 + t) for t in [0, 1] on eight lanes: 2·atanh(z) with z = t/(2 + t) ≤ 1/3, by its odd
    /// series to z¹³ (truncation below 1e-8 relative). Within 2 ulp of libm's `log1pf` there.
    @inlinable @inline(__always)
    public static func log1pOnUnitInterval(_ t: SIMD8<Float>) -> SIMD8<Float> {
        let z = t / (2 + t), z2 = z * z
        var p = SIMD8<Float>(repeating: 2.0 / 13)
        p = p * z2 + 2.0 / 11
        p = p * z2 + 2.0 / 9
        p = p * z2 + 2.0 / 7
        p = p * z2 + 2.0 / 5
        p = p * z2 + 2.0 / 3
        p = p * z2 + 2
        return p * z
    }

    /// softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|) on eight lanes, without overflow.
    @inlinable @inline(__always)
    public static func softplus(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let magnitude = x.replacing(with: -x, where: x .< 0)
        return x.replacing(with: 0, where: x .< 0) + log1pOnUnitInterval(exp(-magnitude))
    }
}
