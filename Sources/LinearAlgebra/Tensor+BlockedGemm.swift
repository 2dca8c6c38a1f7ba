import CArmadillo
import Dispatch

// An untransposed GEMM with per-block hooks, for layers that fuse work into the product: the
// bias is written into each block of C just before its GEMM and the activation is applied right
// after, while the block is still in cache, all inside one dispatch to the worker threads.

/// Raw operands handed to worker threads (each writes its own rows of `c`).
private struct BlockedGemmPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
}

extension Tensor {
    /// `c = a · b + beta · c` with `prepare(c, rows)` called on each block of rows of `c` before
    /// its product and `finish(c, rows)` after it (`c` there is the output's first element).
    ///
    /// Rows count through `c` viewed as `[c.count / n, n]` (members stacked). Shapes are those of
    /// ``matmul(_:transposeSelf:transposeOther:)`` without transposes. Ensemble products run one
    /// single-threaded BLAS call per member (or per part of a member split across workers), so a
    /// block is at most one member's rows; shared-weight products are split by rows in blocks of
    /// at most `blockRows`. With ``ParallelGemm/isActive`` the blocks are divided among
    /// ``ParallelGemm/workers`` threads in a fixed way, so results depend only on the worker count.
    /// The hooks run concurrently on disjoint row ranges and must only touch those rows.
    ///
    /// - Parameters:
    ///   - a: `[m, k]` or `[E, m, k]`.
    ///   - b: `[k, n]` or `[E, k, n]`.
    ///   - c: the output, made unique (or replaced when not unique and `beta == 0`).
    ///   - beta: 1 accumulates onto what `prepare` wrote; 0 ignores it.
    ///   - blockRows: the largest block of a shared-weight product.
    ///   - prepare: called with each block's rows before its product.
    ///   - finish: called with each block's rows after its product.
    public static func blockedGemm(_ a: Tensor, _ b: Tensor, into c: inout Tensor, beta: Float,
                                   blockRows: Int = 256,
                                   prepare: (UnsafeMutablePointer<Float>, Range<Int>) -> Void,
                                   finish: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        let (batch, m, n) = productShape(a.shape, b.shape, false, false)
        let expected: TensorShape = batch > 0 ? [batch, m, n] : [m, n]
        tensorPrecondition(c.shape == expected,
                           "blockedGemm: output has shape \(c.shape), but \(a.shape) · \(b.shape) gives \(expected)")
        if beta != 0 { c.makeUnique() } else if !isKnownUniquelyReferenced(&c.storage) {
            c = Tensor(uninitializedShape: expected)
        }
        let k = a.shape.last
        let totalRows = batch > 0 ? batch * m : m
        if totalRows == 0 || n == 0 { return }
        let p = BlockedGemmPointers(a: a.storage.pointer, b: b.storage.pointer, c: c.storage.pointer)
        let shared = batch == 0 || b.rank == 2      // one weight for every row: split rows freely
        let strideA = a.rank == 3 ? m * k : 0, strideB = b.rank == 3 ? k * n : 0
        let workers = ParallelGemm.isActive && totalRows >= 32 * ParallelGemm.workers ? ParallelGemm.workers : 1
        withoutActuallyEscaping(prepare) { prepare in
            withoutActuallyEscaping(finish) { finish in
                let hooks = UncheckedSendableBox((prepare, finish))
                // One block: rows r0..<r1 of member e (of the stacked rows when the weight is shared).
                let block = { (e: Int, r0: Int, r1: Int) in
                    let first = e * m + r0, rows = first..<(first + r1 - r0)
                    hooks.value.0(p.c, rows)
                    if k == 0 {
                        let out = p.c + first * n
                        for i in 0..<((r1 - r0) * n) { out[i] = beta == 0 ? 0 : beta * out[i] }
                    } else {
                        orl_sgemm(0, 0, Int32(r1 - r0), Int32(n), Int32(k), 1, p.a + e * strideA + r0 * k, Int32(k),
                                  p.b + e * strideB, Int32(n), beta, p.c + first * n, Int32(n))
                    }
                    hooks.value.1(p.c, rows)
                }
                let work = { (w: Int) in
                    if shared {
                        // Rows split evenly, then cut into blocks that stay in cache.
                        let r0 = totalRows * w / workers, r1 = totalRows * (w + 1) / workers
                        var start = r0
                        while start < r1 {
                            let end = Swift.min(r1, start + blockRows)
                            block(0, start, end)
                            start = end
                        }
                    } else {
                        // Whole members where they divide evenly, then the leftover members' rows split.
                        let whole = batch / workers, rest = batch % workers
                        for e in (w * whole)..<((w + 1) * whole) { block(e, 0, m) }
                        let r0 = m * w / workers, r1 = m * (w + 1) / workers
                        if r1 > r0 { for e in (batch - rest)..<batch { block(e, r0, r1) } }
                    }
                }
                if workers == 1 {
                    work(0)
                } else {
                    let workBox = UncheckedSendableBox(work)
                    WorkerPool.run(iterations: workers) { workBox.value($0) }
                }
            }
        }
        withExtendedLifetime((a, b)) {}
    }
}

/// A non-Sendable value used by worker threads without data races (each touches disjoint memory).
struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
