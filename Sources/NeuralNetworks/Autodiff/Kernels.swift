import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw pointers handed to worker threads that write disjoint ranges.
@usableFromInline
struct SendablePointers: @unchecked Sendable {
    @usableFromInline let pointers: [UnsafeMutablePointer<Float>]
    @inlinable init(_ pointers: [UnsafeMutablePointer<Float>]) { self.pointers = pointers }
}

// Tensor kernels the differentiable operations are built from: broadcasting adjoints, fused
// activation forward/backward loops and a vectorisable exponential. Internal to the module.

@usableFromInline
enum Kernels {
    // MARK: - Broadcasting

    /// Sums `t` down to `target`, the adjoint of broadcasting `target` up to `t.shape`.
    static func sum(_ t: Tensor, toShape target: TensorShape) -> Tensor {
        if t.shape == target { return t }
        if target.count == 1 { return Tensor(t.sum()).reshaped(target) }
        // Bias gradients: [B, n] → [n] or [1, n], and [E, B, n] → [E, 1, n].
        let n = t.shape.last
        if t.rank == 2 && (target == [n] || target == [1, n]) {
            return sumRows(t, outer: 1, rows: t.shape[0], n: n).reshaped(target)
        }
        if t.rank == 3 && target == [t.shape[0], 1, n] {
            return sumRows(t, outer: t.shape[0], rows: t.shape[1], n: n).reshaped(target)
        }
        var result = t
        let offset = t.rank - target.rank
        precondition(offset >= 0, "sum(toShape:): cannot reduce \(t.shape) to the larger rank of \(target)")
        // Leading axes target lacks: fold them away by viewing as [lead, rest] and summing rows.
        if offset > 0 {
            var lead = 1
            for i in 0..<offset { lead *= t.shape[i] }
            result = result.reshaped([lead, t.count / lead]).sum(axis: 0).reshaped(target.reducingLeading(from: t.shape, offset))
        }
        for axis in 0..<target.rank where target[axis] == 1 && result.shape[axis] != 1 {
            result = result.sum(axis: axis, keepDims: true)
        }
        precondition(result.shape == target, "sum(toShape:): \(t.shape) does not broadcast from \(target)")
        return result
    }

    /// Sums the middle axis of `t` viewed as `[outer, rows, n]`, giving `[outer, n]`; blocks of
    /// columns run on different threads (each column's sum is accumulated in the same order).
    static func sumRows(_ t: Tensor, outer: Int, rows: Int, n: Int) -> Tensor {
        let columnBlock = 64
        let blocks = (n + columnBlock - 1) / columnBlock
        return t.withUnsafeBufferPointer { src in
            Tensor(shape: [outer, n]) { out in
                let p = SendablePointers([UnsafeMutablePointer(mutating: src.baseAddress!), out.baseAddress!])
                let tasks = outer * blocks
                let work = { (task: Int) in
                    let o = task / blocks, c0 = (task % blocks) * columnBlock, c1 = Swift.min(n, c0 + columnBlock)
                    let dst = p.pointers[1] + o * n
                    let base = p.pointers[0] + o * rows * n
                    for j in c0..<c1 { dst[j] = base[j] }
                    for r in 1..<Swift.max(rows, 1) {
                        let row = base + r * n
                        for j in c0..<c1 { dst[j] += row[j] }
                    }
                }
                if t.count < parallelThreshold || tasks < 2 {
                    for task in 0..<tasks { work(task) }
                } else {
                    let box = UncheckedBox(work)
                    let workers = Swift.min(ParallelGemm.workers, tasks)
                    WorkerPool.run(iterations: workers) { w in
                        for task in stride(from: w, to: tasks, by: workers) { box.value(task) }
                    }
                }
            }
        }
    }

    /// Repeats `t` along broadcast axes up to `shape`.
    static func broadcast(_ t: Tensor, to shape: TensorShape) -> Tensor {
        if t.shape == shape { return t }
        return Tensor(repeating: 0, shape: shape) + t
    }

    // MARK: - Products

    /// `op(a)·op(b)` through ``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:)``.
    static func matmul(_ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool) -> Tensor {
        let ar = a.rank, br = b.rank
        precondition((ar == 2 || ar == 3) && (br == 2 || br == 3), "matmul: operands must have rank 2 or 3, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape.last : a.shape[ar - 2]
        let n = transposeB ? b.shape[br - 2] : b.shape.last
        let batch = ar == 3 ? a.shape[0] : (br == 3 ? b.shape[0] : 0)
        var out = Tensor(uninitializedShape: batch > 0 ? [batch, m, n] : [m, n])
        Tensor.parallelGemm(a, b, into: &out, transposeA: transposeA, transposeB: transposeB)
        return out
    }

    // MARK: - Exponential and logistic

    /// eˣ, vectorisable (``LinearAlgebra/FastMath/exp(_:)``).
    @inlinable @inline(__always)
    static func exp(_ x: Float) -> Float { FastMath.exp(x) }

    /// The logistic function 1 / (1 + e⁻ˣ) with the vectorisable exponential.
    @inlinable @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    // MARK: - Threads

    /// Elementwise loops at least this long are split across ``ParallelGemm/workers`` threads.
    @usableFromInline static let parallelThreshold = 1 << 15

    /// Calls `body` on disjoint subranges of `0..<count` covering it, in parallel for long ranges.
    /// Each element is computed by the same arithmetic whatever the split, so results do not
    /// depend on the thread count.
    @inlinable
    static func parallelFor(_ count: Int, _ body: (Range<Int>) -> Void) {
        let workers = ParallelGemm.workers
        if count < parallelThreshold || workers < 2 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            WorkerPool.run(iterations: workers) { w in
                // Chunks aligned to 16 floats (one cache line).
                let chunk = ((count + workers - 1) / workers + 15) & ~15
                let lo = Swift.min(count, w * chunk), hi = Swift.min(count, lo + chunk)
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }

    // MARK: - Fused loops

    /// A new tensor of `shape` whose element i is `op(i)` given raw input pointers.
    @inlinable @inline(__always)
    static func generate(_ shape: TensorShape, _ body: (UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        Tensor(shape: shape) { out in body(out.baseAddress!, out.count) }
    }

    /// Elementwise `op(a, b, c)` of three equally shaped tensors.
    @inlinable @inline(__always)
    static func map3(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ op: (Float, Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape && b.shape == c.shape, "map3: shapes \(a.shape), \(b.shape), \(c.shape) differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in
                    Tensor(shape: a.shape) { out in
                        let p = SendablePointers([UnsafeMutablePointer(mutating: pa.baseAddress!),
                                                  UnsafeMutablePointer(mutating: pb.baseAddress!),
                                                  UnsafeMutablePointer(mutating: pc.baseAddress!), out.baseAddress!])
                        parallelFor(out.count) { range in
                            let x = p.pointers[0], y = p.pointers[1], z = p.pointers[2], o = p.pointers[3]
                            for i in range { o[i] = op(x[i], y[i], z[i]) }
                        }
                    }
                }
            }
        }
    }

    /// Elementwise `op(a)`, in parallel for long tensors.
    @inlinable @inline(__always)
    static func map1(_ a: Tensor, _ op: (Float) -> Float) -> Tensor {
        a.withUnsafeBufferPointer { pa in
            Tensor(shape: a.shape) { out in
                let p = SendablePointers([UnsafeMutablePointer(mutating: pa.baseAddress!), out.baseAddress!])
                parallelFor(out.count) { range in
                    let x = p.pointers[0], o = p.pointers[1]
                    for i in range { o[i] = op(x[i]) }
                }
            }
        }
    }

    /// Elementwise `op(a, b)` of two equally shaped tensors (no broadcasting checks).
    @inlinable @inline(__always)
    static func map2(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "map2: shapes \(a.shape) and \(b.shape) differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: a.shape) { out in
                    let p = SendablePointers([UnsafeMutablePointer(mutating: pa.baseAddress!),
                                              UnsafeMutablePointer(mutating: pb.baseAddress!), out.baseAddress!])
                    parallelFor(out.count) { range in
                        let x = p.pointers[0], y = p.pointers[1], o = p.pointers[2]
                        for i in range { o[i] = op(x[i], y[i]) }
                    }
                }
            }
        }
    }

    /// A tensor of `shape` whose rows are copies of `bias` (shape `[n]`, `[1, n]`, or `[E, 1, n]`
    /// for a `[E, B, n]` output): the starting value of a bias-accumulating GEMM.
    static func rowsFilled(with bias: Tensor, shape: TensorShape) -> Tensor {
        let n = shape.last
        let rows = shape.count / Swift.max(n, 1)
        let blocks = bias.count / Swift.max(n, 1)
        precondition(bias.count % Swift.max(n, 1) == 0 && rows % Swift.max(blocks, 1) == 0,
                     "rowsFilled: bias \(bias.shape) does not broadcast to \(shape)")
        let rowsPerBlock = rows / Swift.max(blocks, 1)
        return bias.withUnsafeBufferPointer { b in
            Tensor(shape: shape) { out in
                let p = SendablePointers([out.baseAddress!, UnsafeMutablePointer(mutating: b.baseAddress!)])
                let fill = { (range: Range<Int>) in
                    for r in range { (p.pointers[0] + r * n).update(from: p.pointers[1] + (r / rowsPerBlock) * n, count: n) }
                }
                if shape.count < parallelThreshold {
                    fill(0..<rows)
                } else {
                    let box = UncheckedBox(fill)
                    let workers = ParallelGemm.workers
                    WorkerPool.run(iterations: workers) { w in
                        box.value((rows * w / workers)..<(rows * (w + 1) / workers))
                    }
                }
            }
        }
    }
}

/// A non-Sendable value passed to worker threads that use it without data races.
@usableFromInline
struct UncheckedBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @inlinable init(_ value: T) { self.value = value }
}

extension TensorShape {
    /// `full` with its first `offset` axes removed (helper for sum(toShape:)).
    func reducingLeading(from full: TensorShape, _ offset: Int) -> TensorShape {
        TensorShape((offset..<full.rank).map { full[$0] })
    }
}
