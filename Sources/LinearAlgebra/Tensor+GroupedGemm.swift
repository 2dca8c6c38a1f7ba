import CArmadillo
import Dispatch

// Grouped GEMM: consecutive row blocks of one matrix, each multiplied by its own member of an
// ensemble weight. This is how a model evaluates only the ensemble member chosen for each row
// (about E times fewer FLOPs than evaluating all E members), after sorting rows by member.

/// Raw operands handed to worker threads (each writes disjoint rows of `c`).
private struct GroupedGemmPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
}

extension Tensor {
    /// `c[rows of group g] = alpha · a[rows of group g] · b[g] + beta · c[rows of group g]` for every group g.
    ///
    /// ```
    /// a: [R, k]     b: [G, k, n]     c: [R, n]     group g = rows offsets[g] ..< offsets[g+1]
    /// ```
    /// One single-threaded BLAS call per group and worker: with ``ParallelGemm/isActive`` every
    /// group's rows are split evenly across ``ParallelGemm/workers`` threads, otherwise the calls
    /// run on the caller's thread. Each row of `c` is computed by the same arithmetic whatever the
    /// grouping, so a row gives the same result as in the ensemble product `[G, R, k]·[G, k, n]`
    /// up to BLAS's blocking of the row dimension.
    ///
    /// - Parameters:
    ///   - a: the stacked rows, `[R, k]`.
    ///   - b: one weight per group, `[G, k, n]`.
    ///   - offsets: `G + 1` nondecreasing row offsets, from 0 to R.
    ///   - c: the output, `[R, n]`; made unique before it is written.
    ///   - alpha: scale of the product.
    ///   - beta: scale of the existing `c` (1 accumulates onto a bias already written there).
    public static func groupedGemm(_ a: Tensor, _ b: Tensor, offsets: [Int], into c: inout Tensor,
                                   alpha: Float = 1, beta: Float = 0) {
        tensorPrecondition(a.rank == 2 && b.rank == 3 && c.rank == 2,
                           "groupedGemm: expected a [R, k], b [G, k, n], c [R, n], got \(a.shape), \(b.shape), \(c.shape)")
        let rows = a.shape[0], k = a.shape[1], groups = b.shape[0], n = b.shape[2]
        tensorPrecondition(b.shape[1] == k && c.shape[0] == rows && c.shape[1] == n,
                           "groupedGemm: \(a.shape) · \(b.shape) does not fit output \(c.shape)")
        tensorPrecondition(offsets.count == groups + 1 && offsets.first == 0 && offsets.last == rows,
                           "groupedGemm: offsets \(offsets) must run from 0 to \(rows) over \(groups) groups")
        if beta != 0 { c.makeUnique() } else if !isKnownUniquelyReferenced(&c.storage) {
            c = Tensor(uninitializedShape: c.shape)
        }
        if rows == 0 || n == 0 { return }
        let p = GroupedGemmPointers(a: a.storage.pointer, b: b.storage.pointer, c: c.storage.pointer)
        let workers = ParallelGemm.isActive && rows >= 64 * ParallelGemm.workers ? ParallelGemm.workers : 1
        let body: @Sendable (Int) -> Void = { w in
            for g in 0..<groups {
                let start = offsets[g], count = offsets[g + 1] - start
                let r0 = start + count * w / workers, r1 = start + count * (w + 1) / workers
                if r1 <= r0 { continue }
                orl_sgemm(0, 0, Int32(r1 - r0), Int32(n), Int32(k), alpha, p.a + r0 * k, Int32(k),
                          p.b + g * k * n, Int32(n), beta, p.c + r0 * n, Int32(n))
            }
        }
        if workers == 1 { body(0) } else { WorkerPool.run(iterations: workers, body) }
        withExtendedLifetime((a, b)) {}
    }
}
