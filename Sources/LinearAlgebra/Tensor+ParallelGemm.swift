import CArmadillo
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

// GEMM split across threads in Swift, each running single-threaded BLAS: ensemble members (or
// row blocks) go to different cores. On small products (256×256×256 per member) this avoids
// OpenBLAS's per-call thread synchronisation, which is slow and unstable on shared 2-vCPU
// machines (measured: `Experiments/performance/README.md`).

/// Settings of ``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:split:)``.
public enum ParallelGemm {
    /// Worker threads used when BLAS itself is single-threaded: the CPUs the process may run on
    /// (its affinity mask, so a process pinned to one core with `taskset` does not split work
    /// between two threads that would share that core).
    public static let workers: Int = Swift.max(1, Int(orl_usable_cpus()))

    /// Whether products are split across ``workers`` threads: only while OpenBLAS runs one
    /// thread per call (`BLASRuntime.threads == 1`), so the two kinds of threading never stack.
    public static var isActive: Bool { workers > 1 && BLASRuntime.threads == 1 }
}

/// Raw operands handed to worker threads (they only touch disjoint parts of `c`).
private struct GemmPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
}

extension Tensor {
    /// `c = alpha · op(a) · op(b) + beta · c` like ``gemm(_:_:into:transposeA:transposeB:alpha:beta:)``,
    /// split across ``ParallelGemm/workers`` threads when ``ParallelGemm/isActive``.
    ///
    /// Ensemble products are split by member when the members divide evenly among the workers,
    /// otherwise every member's rows are split; plain products are split by rows. Each block is
    /// a single-threaded BLAS call on its own part of `c`, so results are deterministic for a
    /// given worker count.
    ///
    /// - Parameter split: `nil` splits exactly when ``ParallelGemm/isActive``; `true` always
    ///   splits (for tests of the splitting), `false` never does.
    public static func parallelGemm(_ a: Tensor, _ b: Tensor, into c: inout Tensor,
                                    transposeA: Bool = false, transposeB: Bool = false,
                                    alpha: Float = 1, beta: Float = 0, split: Bool? = nil) {
        let workers = ParallelGemm.workers
        guard split ?? ParallelGemm.isActive, workers > 1 else {
            gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
            return
        }
        let (batch, m, n) = productShape(a.shape, b.shape, transposeA, transposeB)
        let expected: TensorShape = batch > 0 ? [batch, m, n] : [m, n]
        precondition(c.shape == expected,
                     "parallelGemm: output has shape \(c.shape), but \(a.shape) · \(b.shape) gives \(expected)")
        let k = transposeA ? a.shape[a.rank - 2] : a.shape.last
        let tall = batch == 0 || (a.rank == 3 && b.rank == 2 && !transposeA)
        let rows = batch == 0 ? m : (tall ? batch * m : m)
        if m == 0 || n == 0 || k == 0 || (tall && rows < 32 * workers) || (!tall && batch < workers && m < 32 * workers) {
            gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
            return
        }
        if beta != 0 { c.makeUnique() } else if !isKnownUniquelyReferenced(&c.storage) {
            c = Tensor(uninitializedShape: expected)
        }
        let lda = a.shape.last, ldb = b.shape.last
        let strideA = a.rank == 3 ? a.shape[1] * a.shape[2] : 0
        let strideB = b.rank == 3 ? b.shape[1] * b.shape[2] : 0
        let p = GemmPointers(a: a.storage.pointer, b: b.storage.pointer, c: c.storage.pointer)
        let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
        // Row offset r of op(A) starts at r·lda untransposed, at column r transposed.
        let rowStep = transposeA ? 1 : lda
        if tall {
            WorkerPool.run(iterations: workers) { w in
                let r0 = rows * w / workers, r1 = rows * (w + 1) / workers
                orl_sgemm(ta, tb, Int32(r1 - r0), Int32(n), Int32(k), alpha, p.a + r0 * rowStep, Int32(lda),
                          p.b, Int32(ldb), beta, p.c + r0 * n, Int32(n))
            }
        } else if batch % workers == 0 {
            WorkerPool.run(iterations: workers) { w in
                let e0 = batch * w / workers, e1 = batch * (w + 1) / workers
                orl_sgemm_batched(Int32(e1 - e0), ta, tb, Int32(m), Int32(n), Int32(k), alpha,
                                  p.a + e0 * strideA, Int32(lda), Int64(strideA), p.b + e0 * strideB, Int32(ldb),
                                  Int64(strideB), beta, p.c + e0 * m * n, Int32(n), Int64(m * n))
            }
        } else {
            // Whole members where they divide evenly, then the leftover members split by rows:
            // 7 members on 2 cores run 3 full products each plus half of the seventh.
            let whole = batch / workers, rest = batch % workers, first = whole * workers
            WorkerPool.run(iterations: workers) { w in
                if whole > 0 {
                    let e0 = w * whole
                    orl_sgemm_batched(Int32(whole), ta, tb, Int32(m), Int32(n), Int32(k), alpha,
                                      p.a + e0 * strideA, Int32(lda), Int64(strideA), p.b + e0 * strideB, Int32(ldb),
                                      Int64(strideB), beta, p.c + e0 * m * n, Int32(n), Int64(m * n))
                }
                let r0 = m * w / workers, r1 = m * (w + 1) / workers
                if r1 > r0 {
                    orl_sgemm_batched(Int32(rest), ta, tb, Int32(r1 - r0), Int32(n), Int32(k), alpha,
                                      p.a + first * strideA + r0 * rowStep, Int32(lda), Int64(strideA),
                                      p.b + first * strideB, Int32(ldb), Int64(strideB),
                                      beta, p.c + first * m * n + r0 * n, Int32(n), Int64(m * n))
                }
            }
        }
        withExtendedLifetime((a, b)) {}
    }
}
