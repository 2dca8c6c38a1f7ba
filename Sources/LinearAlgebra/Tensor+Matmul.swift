import CArmadillo

// Matrix products through the C++ shim's sgemm. Rank 2 is a plain product; rank 3 is a batch of
// products over the leading (ensemble) axis, where a rank-2 operand is shared by every member.

extension Tensor {
    /// The matrix product `op(self) · op(other)`, op transposing the last two axes when asked.
    ///
    /// - `[m, k] · [k, n] → [m, n]`
    /// - `[E, m, k] · [E, k, n] → [E, m, n]` (one product per ensemble member)
    /// - `[E, m, k] · [k, n] → [E, m, n]` and `[m, k] · [E, k, n] → [E, m, n]` (shared operand)
    ///
    /// ```swift
    /// let h = x.matmul(w)                          // [256, 17] · [17, 64]
    /// let g = x.matmul(dy, transposeSelf: true)    // xᵀ · dy, a weight gradient
    /// ```
    @inlinable
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let (batch, m, n) = Tensor.productShape(shape, other.shape, transposeSelf, transposeOther)
        var result = Tensor(uninitializedShape: batch > 0 ? [batch, m, n] : [m, n])
        Tensor.gemm(self, other, into: &result, transposeA: transposeSelf, transposeB: transposeOther,
                    alpha: 1, beta: 0)
        return result
    }

    /// `c = alpha · op(a) · op(b) + beta · c`, writing into an existing tensor of the product's shape.
    ///
    /// With `beta: 1` it accumulates (for example a gradient summed over uses). `c` is made unique
    /// first, so a shared buffer is never written.
    @inlinable
    public static func gemm(_ a: Tensor, _ b: Tensor, into c: inout Tensor,
                            transposeA: Bool = false, transposeB: Bool = false,
                            alpha: Float = 1, beta: Float = 0) {
        let (batch, m, n) = productShape(a.shape, b.shape, transposeA, transposeB)
        let expected: TensorShape = batch > 0 ? [batch, m, n] : [m, n]
        tensorPrecondition(c.shape == expected,
                     "gemm: output has shape \(c.shape), but \(a.shape) · \(b.shape) gives \(expected)")
        let k = transposeA ? a.shape[a.rank - 2] : a.shape.last
        let lda = a.shape.last, ldb = b.shape.last
        let strideA = a.rank == 3 ? a.shape[1] * a.shape[2] : 0
        let strideB = b.rank == 3 ? b.shape[1] * b.shape[2] : 0
        if beta != 0 { c.makeUnique() } else if !isKnownUniquelyReferenced(&c.storage) {
            c = Tensor(uninitializedShape: expected)
        }
        let pc = c.storage.pointer, pa = a.storage.pointer, pb = b.storage.pointer
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C untouched when k == 0; the product of empty matrices is zero.
            for i in 0..<c.count { pc[i] = beta == 0 ? 0 : beta * pc[i] }
            return
        }
        if batch == 0 || (a.rank == 3 && b.rank == 2 && !transposeA) {
            // A shared right operand under an untransposed batch is one tall product [E·m, k] · [k, n].
            let rows = batch == 0 ? m : batch * m
            orl_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(rows), Int32(n), Int32(k),
                      alpha, pa, Int32(lda), pb, Int32(ldb), beta, pc, Int32(n))
        } else {
            orl_sgemm_batched(Int32(batch), transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                              alpha, pa, Int32(lda), Int64(strideA), pb, Int32(ldb), Int64(strideB),
                              beta, pc, Int32(n), Int64(m * n))
        }
        withExtendedLifetime((a, b)) {}
    }

    /// (batch, m, n) of a product, batch 0 for a plain rank-2 product; checks every dimension.
    @inlinable
    internal static func productShape(_ a: TensorShape, _ b: TensorShape,
                                      _ transposeA: Bool, _ transposeB: Bool) -> (Int, Int, Int) {
        tensorPrecondition((a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3),
                     "matmul: operands must have rank 2 or 3, got \(a) and \(b)")
        let m = transposeA ? a.last : a[a.rank - 2]
        let ka = transposeA ? a[a.rank - 2] : a.last
        let kb = transposeB ? b.last : b[b.rank - 2]
        let n = transposeB ? b[b.rank - 2] : b.last
        tensorPrecondition(ka == kb, "matmul: inner dimensions differ: \(a)\(transposeA ? "ᵀ" : "") · \(b)\(transposeB ? "ᵀ" : "")")
        var batch = 0
        if a.rank == 3 && b.rank == 3 {
            tensorPrecondition(a[0] == b[0], "matmul: ensemble sizes differ: \(a) · \(b)")
            batch = a[0]
        } else if a.rank == 3 {
            batch = a[0]
        } else if b.rank == 3 {
            batch = b[0]
        }
        return (batch, m, n)
    }
}
