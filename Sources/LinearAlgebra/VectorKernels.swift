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

    /// `c[i] = c[i] / (1 + FastMath.exp(−c[i]))` for `i < count`: SiLU without keeping σ, for
    /// forward passes without autodiff.
    @inlinable
    public static func siluInference(_ c: UnsafeMutablePointer<Float>, count: Int) {
        orl_silu_inference_in_place(c, count)
    }

    /// The gradient before a ReLU (`relu`) or SiLU activation over `rows` rows of `width` columns,
    /// `stride` floats apart, and optionally its column sums (the bias gradient), summed in row order:
    ///
    /// ```
    /// out = g where y > 0 (ReLU)    out = g·(s + y(1 − s)) (SiLU, s = σ(pre))    sums[j] = Σ_r out[r, j]
    /// ```
    /// `sigmoid` is not read for ReLU; `sums` may be `nil`. Outputs must not overlap the inputs.
    @inlinable
    public static func activationBackward(relu: Bool, gradient g: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                                          sigmoid s: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                                          sums: UnsafeMutablePointer<Float>?, rows: Int, width: Int, stride: Int) {
        orl_activation_backward(relu ? 1 : 0, g, y, s, out, sums, rows, width, stride)
    }

    /// One Adam (or AdamW) step over `count` parameters, in place on `p`, `m` and `v`:
    ///
    /// ```
    /// θ = p·decay;  g′ = g + l2·θ;  m = β₁m + (1 − β₁)g′;  v = β₂v + (1 − β₂)g′²
    /// p = θ − stepSize · (m / (√v / bias2Root + ε))
    /// ```
    /// The four arrays must not overlap.
    @inlinable
    public static func adamStep(gradient g: UnsafePointer<Float>, parameter p: UnsafeMutablePointer<Float>,
                                m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
                                beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, bias2Root: Float,
                                decay: Float, l2: Float) {
        orl_adam_step(g, p, m, v, count, beta1, beta2, epsilon, stepSize, bias2Root, decay, l2)
    }
}
