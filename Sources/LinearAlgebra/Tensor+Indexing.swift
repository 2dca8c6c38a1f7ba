// Structural operations: concatenation, slicing, gathering, transposition. All view the buffer as
// [outer, axis, inner] blocks and move whole contiguous runs with memcpy-like copies.

extension Tensor {
    /// Joins tensors along `axis`; all other dimensions must match.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        tensorPrecondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0].shape
        let axis = first.normalizedAxis(axis)
        var total = 0
        for t in tensors {
            tensorPrecondition(t.rank == first.rank, "concatenate: ranks differ: \(first) and \(t.shape)")
            for i in 0..<first.rank where i != axis {
                tensorPrecondition(t.shape[i] == first[i], "concatenate along axis \(axis): shapes \(first) and \(t.shape) differ off the axis")
            }
            total += t.shape[axis]
        }
        var outShape = first
        outShape[axis] = total
        let result = Tensor(uninitializedShape: outShape)
        let (outer, _, inner) = outShape.split(around: axis)
        let dst = result.storage.pointer
        var offset = 0
        for t in tensors {
            let run = t.shape[axis] * inner
            t.withUnsafeBufferPointer { src in
                for o in 0..<outer {
                    (dst + o * total * inner + offset).update(from: src.baseAddress! + o * run, count: run)
                }
            }
            offset += run
        }
        return result
    }

    /// The elements with index in `range` along `axis`.
    public func slice(_ range: Range<Int>, axis: Int = 0) -> Tensor {
        let axis = shape.normalizedAxis(axis)
        tensorPrecondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        var outShape = shape
        outShape[axis] = range.count
        if axis == 0 && range.count == shape[0] { return self }
        let result = Tensor(uninitializedShape: outShape)
        let (outer, size, inner) = shape.split(around: axis)
        let run = range.count * inner
        let dst = result.storage.pointer, src = storage.pointer
        for o in 0..<outer {
            (dst + o * run).initialize(from: src + (o * size + range.lowerBound) * inner, count: run)
        }
        withExtendedLifetime(self) {}
        return result
    }

    /// The slices at `indices` along `axis`, in that order (repeats allowed): a minibatch of rows.
    public func gather(_ indices: [Int], axis: Int = 0) -> Tensor {
        var result = Tensor(uninitializedShape: gatheredShape(count: indices.count, axis: axis))
        gather(indices, axis: axis, into: &result)
        return result
    }

    /// Gathers into a preallocated tensor of the right shape, so sampling batches allocates nothing.
    public func gather(_ indices: [Int], axis: Int = 0, into result: inout Tensor) {
        let axis = shape.normalizedAxis(axis)
        let expected = gatheredShape(count: indices.count, axis: axis)
        tensorPrecondition(result.shape == expected, "gather: output has shape \(result.shape), expected \(expected)")
        result.makeUnique()
        let (outer, size, inner) = shape.split(around: axis)
        let dst = result.storage.pointer, src = storage.pointer
        indices.withUnsafeBufferPointer { idx in
            for o in 0..<outer {
                for (k, i) in idx.enumerated() {
                    tensorPrecondition(i >= 0 && i < size, "gather: index \(i) out of range 0..<\(size) on axis \(axis) of \(shape)")
                    (dst + (o * idx.count + k) * inner).update(from: src + (o * size + i) * inner, count: inner)
                }
            }
        }
        withExtendedLifetime(self) {}
    }

    /// Adds each slice of `source` into the slice of `self` named by `indices` along `axis`
    /// (repeated indices accumulate): the adjoint of ``gather(_:axis:)``.
    public mutating func scatterAdd(_ source: Tensor, at indices: [Int], axis: Int = 0) {
        let axis = shape.normalizedAxis(axis)
        tensorPrecondition(source.shape == gatheredShape(count: indices.count, axis: axis),
                     "scatterAdd: source shape \(source.shape) does not match \(indices.count) indices into \(shape)")
        makeUnique()
        let (outer, size, inner) = shape.split(around: axis)
        let dst = storage.pointer
        source.withUnsafeBufferPointer { src in
            for o in 0..<outer {
                for (k, i) in indices.enumerated() {
                    tensorPrecondition(i >= 0 && i < size, "scatterAdd: index \(i) out of range 0..<\(size)")
                    let d = dst + (o * size + i) * inner, s = src.baseAddress! + (o * indices.count + k) * inner
                    for j in 0..<inner { d[j] += s[j] }
                }
            }
        }
    }

    private func gatheredShape(count: Int, axis: Int) -> TensorShape {
        var s = shape
        s[shape.normalizedAxis(axis)] = count
        return s
    }

    /// Swaps the last two axes: the matrix transpose for rank 2, per member for rank 3.
    public func transposed() -> Tensor {
        tensorPrecondition(rank >= 2, "transposed: needs rank 2 or more, got \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// Reorders the axes: result axis i is axis `axes[i]` of `self`.
    public func permuted(_ axes: [Int]) -> Tensor {
        tensorPrecondition(axes.count == rank && Set(axes) == Set(0..<rank), "permuted: \(axes) is not a permutation of the axes of \(shape)")
        var outDims = [Int](repeating: 0, count: rank)
        var srcStrides = [Int](repeating: 0, count: rank)
        var running = 1
        for i in Swift.stride(from: rank - 1, through: 0, by: -1) {
            srcStrides[i] = running
            running *= shape[i]
        }
        var strides = [0, 0, 0, 0], dims = [1, 1, 1, 1]
        for i in 0..<rank {
            outDims[i] = shape[axes[i]]
            dims[4 - rank + i] = outDims[i]
            strides[4 - rank + i] = srcStrides[axes[i]]
        }
        let result = Tensor(uninitializedShape: TensorShape(outDims))
        let dst = result.storage.pointer, src = storage.pointer
        var o = 0
        for i0 in 0..<dims[0] {
            for i1 in 0..<dims[1] {
                for i2 in 0..<dims[2] {
                    let base = src + (i0 * strides[0] + i1 * strides[1] + i2 * strides[2])
                    let s3 = strides[3]
                    for i3 in 0..<dims[3] { dst[o + i3] = base[i3 * s3] }
                    o += dims[3]
                }
            }
        }
        withExtendedLifetime(self) {}
        return result
    }

    /// Copies `source` into the slice `range` of `axis` (the adjoint of ``slice(_:axis:)``).
    public mutating func assignSlice(_ range: Range<Int>, axis: Int = 0, from source: Tensor) {
        let axis = shape.normalizedAxis(axis)
        var expected = shape
        expected[axis] = range.count
        tensorPrecondition(source.shape == expected && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "assignSlice: source \(source.shape) does not fit range \(range) of axis \(axis) in \(shape)")
        makeUnique()
        let (outer, size, inner) = shape.split(around: axis)
        let run = range.count * inner
        let dst = storage.pointer
        source.withUnsafeBufferPointer { src in
            for o in 0..<outer {
                (dst + (o * size + range.lowerBound) * inner).update(from: src.baseAddress! + o * run, count: run)
            }
        }
    }
}
