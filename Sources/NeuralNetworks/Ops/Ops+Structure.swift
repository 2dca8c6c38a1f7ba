// Structural operations: reshape, concatenation, slicing, gathering, transposition. Their
// gradients move the upstream gradient back to where each element came from.

extension Variable {
    /// The same elements in a new shape (one dimension may be −1); ∂/∂x = g reshaped back.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let out = value.reshaped(newShape)
        if out.shape == shape { return self }
        return Variable.record(out, inputs: [self], name: "reshape") { g, c in [g.reshaped(c.inputShape(0))] }
    }

    /// The same elements in a new shape.
    public func reshaped(_ newShape: TensorShape) -> Variable { reshaped(newShape.dimensions) }

    /// Joins variables along `axis`; each gets its slice of the upstream gradient.
    public static func concatenate(_ parts: [Variable], axis: Int = 0) -> Variable {
        precondition(!parts.isEmpty, "concatenate: no variables")
        let axis = parts[0].shape.normalizedAxis(axis)
        let value = Tensor.concatenate(parts.map(\.value), axis: axis)
        return record(value, inputs: parts, name: "concat") { g, c in
            var offset = 0
            var result = [Variable?]()
            result.reserveCapacity(c.node.inputs.count)
            for i in 0..<c.node.inputs.count {
                let n = c.inputShape(i)[axis]
                result.append(c.needsGradient(i) ? g.slice(offset..<(offset + n), axis: axis) : nil)
                offset += n
            }
            return result
        }
    }

    /// The elements with index in `range` along `axis`; the gradient is the upstream gradient
    /// placed into zeros at the same range.
    public func slice(_ range: Range<Int>, axis: Int = 0) -> Variable {
        let axis = shape.normalizedAxis(axis)
        if range == 0..<shape[axis] { return self }
        return Variable.record(value.slice(range, axis: axis), inputs: [self], name: "slice") { g, c in
            [g.placed(in: c.inputShape(0), range: range, axis: axis)]
        }
    }

    /// This variable written into zeros of `shape` at `range` along `axis` (the adjoint of
    /// ``slice(_:axis:)``; its gradient is the slice).
    public func placed(in shape: TensorShape, range: Range<Int>, axis: Int) -> Variable {
        var out = Tensor.zeros(shape)
        out.assignSlice(range, axis: axis, from: value)
        return Variable.record(out, inputs: [self], name: "placeSlice") { g, _ in [g.slice(range, axis: axis)] }
    }

    /// The slices at `indices` along `axis` (repeats allowed); the gradient scatters back and
    /// accumulates at repeated indices.
    public func gather(_ indices: [Int], axis: Int = 0) -> Variable {
        let axis = shape.normalizedAxis(axis)
        return Variable.record(value.gather(indices, axis: axis), inputs: [self], name: "gather") { g, c in
            [g.scatterAdded(into: c.inputShape(0), at: indices, axis: axis)]
        }
    }

    /// Zeros of `shape` with this variable's slices added at `indices` along `axis` (the adjoint
    /// of ``gather(_:axis:)``; its gradient is the gather).
    public func scatterAdded(into shape: TensorShape, at indices: [Int], axis: Int) -> Variable {
        var out = Tensor.zeros(shape)
        out.scatterAdd(value, at: indices, axis: axis)
        return Variable.record(out, inputs: [self], name: "scatterAdd") { g, _ in [g.gather(indices, axis: axis)] }
    }

    /// Swaps the last two axes; the gradient is transposed back.
    public func transposed() -> Variable {
        Variable.record(value.transposed(), inputs: [self], name: "transpose") { g, _ in [g.transposed()] }
    }

    /// Stops gradients: the same value, treated as a constant (alias of ``detached()``).
    public func stopGradient() -> Variable { detached() }
}
