// Matrix products, single and ensemble ([E, m, k] · [E, k, n], or a rank-2 operand shared by
// every member), and the fused affine map x·W + b that every layer uses.

extension Variable {
    /// The matrix product `op(self) · op(other)`, op transposing the last two axes when asked.
    ///
    /// ```
    /// C = op(A)·op(B)      ∂/∂op(A) = G·op(B)ᵀ      ∂/∂op(B) = op(A)ᵀ·G
    /// ```
    /// A rank-2 operand shared by an ensemble gets the sum of the members' gradients.
    ///
    /// - Parameters:
    ///   - other: the right operand.
    ///   - transposeSelf: use selfᵀ.
    ///   - transposeOther: use otherᵀ.
    public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false) -> Variable {
        let value = Kernels.matmul(self.value, other.value, transposeSelf, transposeOther)
        return Variable.record(value, inputs: [self, other], name: "matmul") { g, c in
            let (da, db) = Variable.matmulGradients(g, c, 0, 1, transposeSelf, transposeOther)
            return [da, db]
        }
    }

    /// The affine map `x·W + b` in one GEMM (the bias is the GEMM's starting value).
    ///
    /// Shapes: `[B, in]·[in, out] + [out]`, or for ensembles `[E, B, in]` (or a shared
    /// `[B, in]`) `·[E, in, out] + [E, 1, out]`.
    ///
    /// - Parameters:
    ///   - x: the input.
    ///   - weight: the weight, stored `[in, out]` (or `[E, in, out]`).
    ///   - bias: the bias, broadcast over rows.
    public static func affine(_ x: Variable, _ weight: Variable, _ bias: Variable) -> Variable {
        let (batch, m, n) = Variable.productShape(x.shape, weight.shape)
        let outShape: TensorShape = batch > 0 ? [batch, m, n] : [m, n]
        var out = Kernels.rowsFilled(with: bias.value, shape: outShape)
        Tensor.parallelGemm(x.value, weight.value, into: &out, alpha: 1, beta: 1)
        return record(out, inputs: [x, weight, bias], name: "affine") { g, c in
            let (dx, dw) = matmulGradients(g, c, 0, 1, false, false)
            return [dx, dw, c.needsGradient(2) ? g.sum(toShape: c.inputShape(2)) : nil]
        }
    }

    static func productShape(_ a: TensorShape, _ b: TensorShape) -> (Int, Int, Int) {
        precondition((a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3) && a.last == b[b.rank - 2],
                     "affine: shapes \(a) · \(b) do not multiply")
        let batch = a.rank == 3 ? a[0] : (b.rank == 3 ? b[0] : 0)
        if a.rank == 3 && b.rank == 3 { precondition(a[0] == b[0], "affine: ensemble sizes differ: \(a) · \(b)") }
        return (batch, a[a.rank - 2], b.last)
    }

    /// Gradients of `op(A)·op(B)` for inputs `ia`, `ib` of the context.
    static func matmulGradients(_ g: Variable, _ c: BackwardContext, _ ia: Int, _ ib: Int,
                                _ tA: Bool, _ tB: Bool) -> (Variable?, Variable?) {
        var da: Variable?, db: Variable?
        let aShape = c.inputShape(ia), bShape = c.inputShape(ib)
        if c.needsGradient(ia) {
            let b = c.input(ib)
            if !tA && aShape.rank == 3 && bShape.rank == 2 || !tA && aShape.rank == bShape.rank {
                da = g.matmul(b, transposeOther: !tB)
            } else {
                var full = tA ? b.matmul(g, transposeSelf: tB, transposeOther: true) : g.matmul(b, transposeOther: !tB)
                if aShape.rank == 2 && full.rank == 3 { full = full.sum(axis: 0) }
                da = full
            }
        }
        if c.needsGradient(ib) {
            let a = c.input(ia)
            if !tB && !tA && aShape.rank == 3 && bShape.rank == 2 {
                // Shared right operand: Σₑ Aₑᵀ Gₑ is one GEMM over the stacked rows.
                let rows = aShape[0] * aShape[1]
                db = a.reshaped([rows, aShape[2]]).matmul(g.reshaped([rows, g.shape.last]), transposeSelf: true)
            } else {
                var full = tB ? g.matmul(a, transposeSelf: true, transposeOther: tA) : a.matmul(g, transposeSelf: !tA)
                if bShape.rank == 2 && full.rank == 3 { full = full.sum(axis: 0) }
                db = full
            }
        }
        return (da, db)
    }
}
