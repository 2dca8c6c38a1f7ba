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

    /// softplus(x) = log(1 + eˣ) and σ(x) on eight lanes, branch-free: with e = e^(−|x|) ∈ (0, 1],
    /// softplus = max(x, 0) + log1p(e), log1p(e) = 2·atanh(e / (2 + e)), whose series in z²
    /// (z ≤ 1/3) is below an ulp by the z¹⁵ term; σ = 1/(1 + e) for x ≥ 0, else e/(1 + e). The
    /// Gaussian NLL head's kernel and the ensemble's soft variance bounds use it.
    @inlinable @inline(__always)
    public static func softplusAndSigmoid(_ x: SIMD8<Float>) -> (softplus: SIMD8<Float>, sigmoid: SIMD8<Float>) {
        typealias Lanes = SIMD8<Float>
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
        let e: Lanes = exp(-magnitude)
        let z: Lanes = e / (2 + e), z2: Lanes = z * z
        var p = Lanes(repeating: 1.0 / 15)
        p = p * z2 + 1.0 / 13
        p = p * z2 + 1.0 / 11
        p = p * z2 + 1.0 / 9
        p = p * z2 + 1.0 / 7
        p = p * z2 + 1.0 / 5
        p = p * z2 + 1.0 / 3
        p = p * z2 + 1
        let r: Lanes = 1 / (1 + e)
        let er: Lanes = e * r
        let sigmoid = er.replacing(with: r, where: x .>= 0)
        // max(x, 0) as a lane select (`pointwiseMax` is not specialised); NaN stays NaN either way.
        let positive = x.replacing(with: Lanes(repeating: 0), where: x .< 0 .| (x .== 0))
        return (positive + 2 * z * p, sigmoid)
    }

    /// softplus(x) on eight lanes (``softplusAndSigmoid(_:)`` without σ).
    @inlinable @inline(__always)
    public static func softplus(_ x: SIMD8<Float>) -> SIMD8<Float> { softplusAndSigmoid(x).softplus }
}
