// Reductions. Each rule broadcasts the upstream gradient back over the reduced axis.

extension Variable {
    /// Sum along `axis` (the axis is removed unless `keepDims`); ∂/∂x = g broadcast back.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable {
        let axis = shape.normalizedAxis(axis)
        let kept = shape.reducing(axis: axis, keepingDimension: true)
        return Variable.record(value.sum(axis: axis, keepDims: keepDims), inputs: [self], name: "sumAxis") { g, c in
            [g.reshaped(kept).broadcast(to: c.inputShape(0))]
        }
    }

    /// Mean along `axis`; ∂/∂x = g / n broadcast back.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable {
        let n = Float(shape[shape.normalizedAxis(axis)])
        return sum(axis: axis, keepDims: keepDims) * (1 / n)
    }

    /// Sum of all elements, a rank-0 variable.
    public func sum() -> Variable {
        Variable.record(Tensor(value.sum()), inputs: [self], name: "sumAll") { g, c in
            [g.broadcast(to: c.inputShape(0))]
        }
    }

    /// Mean of all elements, a rank-0 variable.
    public func mean() -> Variable { sum() * (1 / Float(Swift.max(value.count, 1))) }

    /// Maximum along `axis`; the gradient goes to the first maximal element of each slice.
    public func max(axis: Int, keepDims: Bool = false) -> Variable {
        extremum(axis: axis, keepDims: keepDims, name: "maxAxis") { $0 > $1 }
    }

    /// Minimum along `axis` (e.g. over a critic ensemble `[N, B, 1]`, axis 0); the gradient goes
    /// to the first minimal element of each slice.
    public func min(axis: Int, keepDims: Bool = false) -> Variable {
        extremum(axis: axis, keepDims: keepDims, name: "minAxis") { $0 < $1 }
    }

    private func extremum(axis: Int, keepDims: Bool, name: StaticString,
                          _ better: (Float, Float) -> Bool) -> Variable {
        let axis = shape.normalizedAxis(axis)
        let (outer, size, inner) = shape.split(around: axis)
        precondition(size > 0, "\(name): empty axis \(axis) of shape \(shape)")
        let keptShape = shape.reducing(axis: axis, keepingDimension: true)
        var best = Tensor(uninitializedShape: keptShape)
        var mask = Tensor.zeros(shape)
        value.withUnsafeBufferPointer { src in
            best.withUnsafeMutableBufferPointer { out in
                mask.withUnsafeMutableBufferPointer { m in
                    for o in 0..<outer {
                        for j in 0..<inner {
                            var bestIndex = 0
                            var bestValue = src[o * size * inner + j]
                            for k in 1..<Swift.max(size, 1) {
                                let v = src[(o * size + k) * inner + j]
                                if better(v, bestValue) { bestValue = v; bestIndex = k }
                            }
                            out[o * inner + j] = bestValue
                            m[(o * size + bestIndex) * inner + j] = 1
                        }
                    }
                }
            }
        }
        let result = keepDims ? best : best.reshaped(shape.reducing(axis: axis, keepingDimension: false))
        return Variable.record(result, inputs: [self], name: name) { [mask] g, _ in
            [g.reshaped(keptShape) * Variable(mask)]
        }
    }

    /// log Σ eˣ along `axis`, evaluated as m + log Σ e^(x − m) so it cannot overflow;
    /// ∂/∂x = g·softmax(x) along the axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Variable {
        let axis = shape.normalizedAxis(axis)
        let kept = shape.reducing(axis: axis, keepingDimension: true)
        return Variable.record(value.logSumExp(axis: axis, keepDims: keepDims), inputs: [self], name: "logSumExp") { g, c in
            let softmax = (c.input(0) - c.output.reshaped(kept)).exp()
            return [g.reshaped(kept) * softmax]
        }
    }
}
