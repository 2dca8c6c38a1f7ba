import Dispatch
import LinearAlgebra

// Loops of the fused layer operation (Ops+AffineActivation.swift): in-place activations for the
// forward epilogue, and one backward pass giving the pre-activation gradient and the bias gradient.

extension Kernels {
    /// max(c, 0) in place over `range` (same result as ``relu(_:)``).
    @inline(__always)
    static func reluInPlace(_ c: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        for i in range { c[i] = Swift.max(c[i], 0) }
    }

    /// σ(c) into `sigmoid` and c·σ(c) in place over `range` (same results as ``silu(_:)``), in
    /// the CPU's widest vectors: this epilogue is the largest elementwise cost of a SiLU network.
    @inline(__always)
    static func siluInPlace(_ c: UnsafeMutablePointer<Float>, sigmoid: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        VectorKernels.siluInPlace(c + range.lowerBound, sigmoid: sigmoid + range.lowerBound, count: range.count)
    }

    /// The gradient before the activation, and optionally the bias gradient, in one pass.
    ///
    /// ```
    /// gPre = g·φ′        (ReLU: g where y > 0;  SiLU: g·(s + y(1 − s));  identity: g)
    /// db[o, j] = Σ_r gPre[o, r, j]      over the `rows` rows of each of the `groups` bias rows
    /// ```
    /// Column blocks run on different threads; each column is summed over rows in order, so the
    /// bias gradient is the same as ``sumRows(_:outer:rows:n:)``'s whatever the thread count.
    static func activationBackward(_ g: Tensor, output y: Tensor, sigmoid: Tensor?, activation: Activation,
                                   groups: Int, rows: Int, n: Int, biasGradient: Bool) -> (Tensor, Tensor?) {
        precondition(g.shape == y.shape, "activationBackward: gradient \(g.shape) for output \(y.shape)")
        if activation == .identity {
            return (g, biasGradient ? sumRows(g, outer: groups, rows: rows, n: n) : nil)
        }
        var pre = Tensor(uninitializedShape: g.shape)
        var db: Tensor? = biasGradient ? Tensor(uninitializedShape: [groups, n]) : nil
        let s = sigmoid ?? y
        let dbPointer = db?.withUnsafeMutableBufferPointer { $0.baseAddress! }
        g.withUnsafeBufferPointer { pg in
            y.withUnsafeBufferPointer { py in
                s.withUnsafeBufferPointer { ps in
                    pre.withUnsafeMutableBufferPointer { po in
                        let p = SendablePointers([UnsafeMutablePointer(mutating: pg.baseAddress!),
                                                  UnsafeMutablePointer(mutating: py.baseAddress!),
                                                  UnsafeMutablePointer(mutating: ps.baseAddress!), po.baseAddress!,
                                                  dbPointer ?? po.baseAddress!])
                        // Whole rows per task when the groups (members) share out evenly, else
                        // one column block per worker in every group, so no worker gets an extra
                        // member (7 members on 2 workers would split 4:3). Each column's sum still
                        // runs over its rows in order, so the split never changes the result.
                        let workers = ParallelGemm.workers
                        let columnBlock = groups % workers == 0
                            ? Swift.max(n, 1) : Swift.max(16, ((n + workers - 1) / workers + 3) & ~3)   // 200 → 100 + 100
                        let blocks = (n + columnBlock - 1) / columnBlock
                        let tasks = groups * blocks
                        let isReLU = activation == .relu, sums = dbPointer != nil
                        let work = { (task: Int) in
                            let o = task / blocks, c0 = (task % blocks) * columnBlock, c1 = Swift.min(n, c0 + columnBlock)
                            let offset = o * rows * n + c0
                            VectorKernels.activationBackward(relu: isReLU, gradient: p.pointers[0] + offset,
                                                             output: p.pointers[1] + offset, sigmoid: p.pointers[2] + offset,
                                                             into: p.pointers[3] + offset, sums: sums ? p.pointers[4] + o * n + c0 : nil,
                                                             rows: rows, width: c1 - c0, stride: n)
                        }
                        if g.count < parallelThreshold || tasks < 2 {
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
        }
        withExtendedLifetime(db) {}
        return (pre, db)
    }
}
