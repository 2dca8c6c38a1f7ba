import CArmadillo

/// Elementwise loops compiled for the CPU's widest vector unit (AVX-512, AVX2 or baseline),
/// chosen once at run time. Each gives the same bits as the plain Swift loop it stands for.
public enum VectorKernels {
    /// `sigmoid[i] = σ(c[i])` and `c[i] = c[i]·σ(c[i])` for `i < count` (SiLU), with σ computed
    /// as `1 / (1 + FastMath.exp(−c))`. `c` and `sigmoid` must not overlap.
    @inlinable
    public static func siluInPlace(_ c: UnsafeMutablePointer<Float>, sigmoid: UnsafeMutablePointer<Float>, count: Int) {
        orl_silu_in_place(c, sigmoid, count)
    }
}
