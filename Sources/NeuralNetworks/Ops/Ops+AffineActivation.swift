// A layer and its activation as one recorded operation, φ(x·W + b).
//
// Forward: each block of the output gets its bias rows, its GEMM and its activation in turn
// while it is in cache (Tensor.blockedGemm), instead of three passes over the whole output.
// Backward: the activation's derivative and the bias gradient (a column sum) come from one pass
// over the upstream gradient, and the pre-activation is never stored.

extension Variable {
    /// `φ(x·W + b)` as one operation; the same value and gradients as
    /// `activation(Variable.affine(x, weight, bias))`.
    ///
    /// ReLU, SiLU and the identity are fused; other activations are applied as separate operations.
    /// Under `createGraph` the backward rule is written in differentiable operations (SiLU then
    /// recomputes the pre-activation), so double backward works as for the separate operations.
    ///
    /// - Parameters:
    ///   - x: `[B, in]` or `[E, B, in]`.
    ///   - weight: `[in, out]` or `[E, in, out]`.
    ///   - bias: `[out]` (or `[1, out]`), or `[E, 1, out]` for an ensemble.
    ///   - activation: φ.
    public static func affine(_ x: Variable, _ weight: Variable, _ bias: Variable, activation: Activation) -> Variable {
        guard activation == .relu || activation == .silu || activation == .identity else {
            return activation(affine(x, weight, bias))
        }
        let (batch, m, n) = productShape(x.shape, weight.shape)
        let outShape: TensorShape = batch > 0 ? [batch, m, n] : [m, n]
        let groups = bias.value.count / Swift.max(n, 1)              // bias rows: 1, or one per member
        let totalRows = batch > 0 ? batch * m : m
        precondition(bias.value.count == groups * n && groups >= 1 && totalRows % groups == 0,
                     "affine: bias \(bias.shape) does not broadcast to \(outShape)")
        let rowsPerGroup = totalRows / groups
        var out = Tensor(uninitializedShape: outShape)
        var sigmoid = activation == .silu ? Tensor(uninitializedShape: outShape) : nil
        let sigmoidPointer = sigmoid?.withUnsafeMutableBufferPointer { $0.baseAddress! }
        bias.value.withUnsafeBufferPointer { b in
            let biasBase = b.baseAddress!
            Tensor.blockedGemm(x.value, weight.value, into: &out, beta: 1, prepare: { c, rows in
                for r in rows { (c + r * n).update(from: biasBase + (r / rowsPerGroup) * n, count: n) }
            }, finish: { c, rows in
                let range = (rows.lowerBound * n)..<(rows.upperBound * n)
                switch activation {
                case .relu: Kernels.reluInPlace(c, range)
                case .silu: Kernels.siluInPlace(c, sigmoid: sigmoidPointer!, range)
                default: break
                }
            })
        }
        withExtendedLifetime(sigmoid) {}
        let y = out
        return record(out, inputs: [x, weight, bias], name: "affineActivation") { [sigmoid] g, c in
            var gPre: Variable, db: Variable?
            if c.createGraph {
                switch activation {
                case .relu: gPre = g.masked(wherePositive: y)
                case .silu:
                    let pre = affine(c.input(0), c.input(1), c.input(2))
                    let s = pre.sigmoid()
                    gPre = g * (s + pre * s * (1 - s))
                default: gPre = g
                }
                db = c.needsGradient(2) ? gPre.sum(toShape: c.inputShape(2)) : nil
            } else {
                let (pre, biasGradient) = Kernels.activationBackward(
                    g.value, output: y, sigmoid: sigmoid, activation: activation,
                    groups: groups, rows: rowsPerGroup, n: n, biasGradient: c.needsGradient(2))
                gPre = Variable(pre)
                db = biasGradient.map { Variable($0.reshaped(c.inputShape(2))) }
            }
            let (dx, dw) = matmulGradients(gPre, c, 0, 1, false, false)
            return [dx, dw, db]
        }
    }
}
