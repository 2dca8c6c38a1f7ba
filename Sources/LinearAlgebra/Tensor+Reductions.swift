#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reductions. Axis-wise ones view the buffer as [outer, size, inner] (see TensorShape.split) and
// accumulate whole inner rows at a time, so the inner loop is contiguous and vectorises.

extension Tensor {
    /// Reduces along `axis` by folding rows with `combine`, starting from the first row.
    @inlinable @inline(__always)
    internal func reduceRows(axis: Int, keepDims: Bool, _ combine: (Float, Float) -> Float) -> Tensor {
        let axis = shape.normalizedAxis(axis)
        let (outer, size, inner) = shape.split(around: axis)
        tensorPrecondition(size > 0, "cannot reduce the empty axis \(axis) of shape \(shape)")
        let result = Tensor(uninitializedShape: shape.reducing(axis: axis, keepingDimension: keepDims))
        let src = storage.pointer, dst = result.storage.pointer
        for o in 0..<outer {
            let block = src + o &* size &* inner
            let out = dst + o &* inner
            out.initialize(from: block, count: inner)
            for k in 1..<size {
                let row = block + k &* inner
                for j in 0..<inner { out[j] = combine(out[j], row[j]) }
            }
        }
        withExtendedLifetime(self) {}
        return result
    }

    /// Sum along `axis`; the axis is removed unless `keepDims`.
    @inlinable
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { reduceRows(axis: axis, keepDims: keepDims, +) }

    /// Mean along `axis`.
    @inlinable
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let n = Float(shape[shape.normalizedAxis(axis)])
        var result = sum(axis: axis, keepDims: keepDims)
        result *= 1 / n
        return result
    }

    /// Maximum along `axis` (NaN propagates as Swift.max does: the comparison keeps the first).
    @inlinable
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        reduceRows(axis: axis, keepDims: keepDims) { Swift.max($0, $1) }
    }

    /// Minimum along `axis`, e.g. over a critic ensemble `[N, B, 1]` with `axis: 0`.
    @inlinable
    public func min(axis: Int, keepDims: Bool = false) -> Tensor {
        reduceRows(axis: axis, keepDims: keepDims) { Swift.min($0, $1) }
    }

    /// log Σ eˣ along `axis`, computed as m + log Σ e^(x − m) with m the maximum so it cannot overflow.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = shape.normalizedAxis(axis)
        let m = max(axis: axis, keepDims: true)
        // A row of -inf would give (-inf) - (-inf) = NaN; shift such rows by 0 instead.
        let shift = m.map { $0.isFinite ? $0 : 0 }
        let total = (self - shift).exp().sum(axis: axis, keepDims: true)
        let result = total.log() + shift
        return keepDims ? result : result.reshaped(shape.reducing(axis: axis, keepingDimension: false))
    }

    /// Indices of the maxima along `axis` (the first on ties), row-major over the remaining axes.
    public func argmax(axis: Int) -> [Int] {
        let axis = shape.normalizedAxis(axis)
        let (outer, size, inner) = shape.split(around: axis)
        tensorPrecondition(size > 0, "argmax: empty axis \(axis) of shape \(shape)")
        var result = [Int](repeating: 0, count: outer * inner)
        withUnsafeBufferPointer { p in
            for o in 0..<outer {
                for j in 0..<inner {
                    var best = p[o * size * inner + j], bestIndex = 0
                    for k in 1..<size {
                        let v = p[(o * size + k) * inner + j]
                        if v > best { best = v; bestIndex = k }
                    }
                    result[o * inner + j] = bestIndex
                }
            }
        }
        return result
    }

    // MARK: - Whole-tensor reductions

    /// Sum of all elements, accumulated in Double for accuracy.
    public func sum() -> Float {
        withUnsafeBufferPointer { p in
            var total = 0.0
            for v in p { total += Double(v) }
            return Float(total)
        }
    }

    /// Mean of all elements.
    public func mean() -> Float {
        tensorPrecondition(count > 0, "mean of an empty tensor")
        return withUnsafeBufferPointer { p in
            var total = 0.0
            for v in p { total += Double(v) }
            return Float(total / Double(p.count))
        }
    }

    /// Largest element.
    public func max() -> Float {
        tensorPrecondition(count > 0, "max of an empty tensor")
        return withUnsafeBufferPointer { $0.max()! }
    }

    /// Smallest element.
    public func min() -> Float {
        tensorPrecondition(count > 0, "min of an empty tensor")
        return withUnsafeBufferPointer { $0.min()! }
    }

    /// Σx² over all elements: eight-lane partial sums, flushed to a Double every 4,096 elements, so a
    /// weight tensor's L2 term costs a vector pass rather than a serial chain of additions.
    public func sumOfSquares() -> Float {
        withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            var total = 0.0, i = 0
            while i + 8 <= p.count {
                let blockEnd = Swift.min(p.count - p.count % 8, i + 4096)
                var lanes = SIMD8<Float>(repeating: 0)
                while i < blockEnd {
                    let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                    lanes += v * v
                    i += 8
                }
                total += Double(lanes.sum())
            }
            while i < p.count { total += Double(p[i]) * Double(p[i]); i += 1 }
            return Float(total)
        }
    }

    /// Euclidean (Frobenius) norm of all elements.
    public func norm() -> Float {
        withUnsafeBufferPointer { p in
            var total = 0.0
            for v in p { total += Double(v) * Double(v) }
            return Float(total.squareRoot())
        }
    }
}
