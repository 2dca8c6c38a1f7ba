#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Tensor kernels the differentiable operations are built from: broadcasting adjoints, fused
// activation forward/backward loops and a vectorisable exponential. Internal to the module.

@usableFromInline
enum Kernels {
    // MARK: - Broadcasting

    /// Sums `t` down to `target`, the adjoint of broadcasting `target` up to `t.shape`.
    static func sum(_ t: Tensor, toShape target: TensorShape) -> Tensor {
        if t.shape == target { return t }
        if target.count == 1 { return Tensor(t.sum()).reshaped(target) }
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

    /// eˣ by Cody–Waite range reduction and Cephes' degree-6 polynomial (about 1 ulp over the
    /// Float range), written so the loops that call it vectorise; clamps to avoid inf.
    @inlinable @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87.0), 88.0)
        // Round x·log₂e to an integer n with the 1.5·2²³ trick: the sum's low mantissa bits hold n.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        return p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }

    /// The logistic function 1 / (1 + e⁻ˣ) with the vectorisable exponential.
    @inlinable @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

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
                        let x = pa.baseAddress!, y = pb.baseAddress!, z = pc.baseAddress!, o = out.baseAddress!
                        for i in 0..<out.count { o[i] = op(x[i], y[i], z[i]) }
                    }
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
                    let x = pa.baseAddress!, y = pb.baseAddress!, o = out.baseAddress!
                    for i in 0..<out.count { o[i] = op(x[i], y[i]) }
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
                let o = out.baseAddress!, src = b.baseAddress!
                for r in 0..<rows {
                    (o + r * n).update(from: src + (r / rowsPerBlock) * n, count: n)
                }
            }
        }
    }
}

extension TensorShape {
    /// `full` with its first `offset` axes removed (helper for sum(toShape:)).
    func reducingLeading(from full: TensorShape, _ offset: Int) -> TensorShape {
        TensorShape((offset..<full.rank).map { full[$0] })
    }
}
