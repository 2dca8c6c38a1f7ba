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
                        let isReLU = activation == .relu, sums = dbPointer != nil
                        // Columns c0..<c1 of group o, all its rows in order (so every column's sum
                        // runs over its rows in order, whatever the split).
                        let part = { (o: Int, c0: Int, c1: Int) in
                            let offset = o * rows * n + c0
                            VectorKernels.activationBackward(relu: isReLU, gradient: p.pointers[0] + offset,
                                                             output: p.pointers[1] + offset, sigmoid: p.pointers[2] + offset,
                                                             into: p.pointers[3] + offset, sums: sums ? p.pointers[4] + o * n + c0 : nil,
                                                             rows: rows, width: c1 - c0, stride: n)
                        }
                        let workers = Swift.min(ParallelGemm.workers, groups * n)
                        if g.count < parallelThreshold || workers < 2 {
                            for o in 0..<groups { part(o, 0, n) }
                        } else {
                            // Each worker takes whole groups (members), as Tensor.parallelGemm split the
                            // product that made g, so it reads what its own core wrote; the groups left
                            // over (7 members on 2 workers: the seventh) are split by columns, so no
                            // worker gets an extra member.
                            let box = UncheckedBox(part)
                            let whole = groups / workers, first = whole * workers
                            WorkerPool.run(iterations: workers) { w in
                                for o in (w * whole)..<((w + 1) * whole) { box.value(o, 0, n) }
                                let c0 = n * w / workers, c1 = n * (w + 1) / workers
                                if c1 > c0 { for o in first..<groups { box.value(o, c0, c1) } }
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
