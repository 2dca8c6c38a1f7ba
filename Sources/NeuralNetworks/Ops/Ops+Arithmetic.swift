// Broadcasting arithmetic on variables. Each rule returns the upstream gradient reduced back to
// the input's shape (the adjoint of broadcasting is a sum over the broadcast axes).

extension Variable {
    // MARK: - Broadcasting adjoints

    /// Sums this variable down to `shape` over the axes where `shape` is 1 or missing: the
    /// adjoint of broadcasting. Differentiable; its gradient is ``broadcast(to:)``.
    public func sum(toShape shape: TensorShape) -> Variable {
        if self.shape == shape { return self }
        return Variable.record(Kernels.sum(value, toShape: shape), inputs: [self], name: "sumToShape") { g, c in
            [g.broadcast(to: c.inputShape(0))]
        }
    }

    /// Repeats this variable along broadcast axes up to `shape` (NumPy rules). Differentiable;
    /// its gradient is ``sum(toShape:)``.
    public func broadcast(to shape: TensorShape) -> Variable {
        if self.shape == shape { return self }
        return Variable.record(Kernels.broadcast(value, to: shape), inputs: [self], name: "broadcast") { g, c in
            [g.sum(toShape: c.inputShape(0))]
        }
    }

    // MARK: - Binary operators

    /// Elementwise sum with broadcasting: ∂/∂a = g, ∂/∂b = g (each summed to its shape).
    public static func + (a: Variable, b: Variable) -> Variable {
        record(a.value + b.value, inputs: [a, b], name: "add") { g, c in
            [c.needsGradient(0) ? g.sum(toShape: c.inputShape(0)) : nil,
             c.needsGradient(1) ? g.sum(toShape: c.inputShape(1)) : nil]
        }
    }

    /// Elementwise difference with broadcasting: ∂/∂a = g, ∂/∂b = −g.
    public static func - (a: Variable, b: Variable) -> Variable {
        record(a.value - b.value, inputs: [a, b], name: "sub") { g, c in
            [c.needsGradient(0) ? g.sum(toShape: c.inputShape(0)) : nil,
             c.needsGradient(1) ? (-g).sum(toShape: c.inputShape(1)) : nil]
        }
    }

    /// Elementwise product with broadcasting: ∂/∂a = g·b, ∂/∂b = g·a.
    public static func * (a: Variable, b: Variable) -> Variable {
        record(a.value * b.value, inputs: [a, b], name: "mul") { g, c in
            [c.needsGradient(0) ? (g * c.input(1)).sum(toShape: c.inputShape(0)) : nil,
             c.needsGradient(1) ? (g * c.input(0)).sum(toShape: c.inputShape(1)) : nil]
        }
    }

    /// Elementwise quotient with broadcasting: ∂/∂a = g / b, ∂/∂b = −g·(a/b) / b.
    public static func / (a: Variable, b: Variable) -> Variable {
        record(a.value / b.value, inputs: [a, b], name: "div") { g, c in
            let b = c.input(1)
            return [c.needsGradient(0) ? (g / b).sum(toShape: c.inputShape(0)) : nil,
                    c.needsGradient(1) ? (-(g * c.output) / b).sum(toShape: c.inputShape(1)) : nil]
        }
    }

    /// Negation: ∂/∂a = −g.
    public static prefix func - (a: Variable) -> Variable {
        record(-a.value, inputs: [a], name: "neg") { g, _ in [-g] }
    }

    // MARK: - With scalars

    /// Adds a constant.
    public static func + (a: Variable, s: Float) -> Variable {
        record(a.value + s, inputs: [a], name: "addScalar") { g, _ in [g] }
    }
    /// Adds a constant.
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    /// Subtracts a constant.
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    /// A constant minus a variable.
    public static func - (s: Float, a: Variable) -> Variable {
        record(s - a.value, inputs: [a], name: "rsubScalar") { g, _ in [-g] }
    }
    /// Multiplies by a constant: ∂/∂a = s·g.
    public static func * (a: Variable, s: Float) -> Variable {
        record(a.value * s, inputs: [a], name: "mulScalar") { g, _ in [g * s] }
    }
    /// Multiplies by a constant.
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    /// Divides by a constant.
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }
    /// A constant divided by a variable: ∂/∂a = −g·s/a².
    public static func / (s: Float, a: Variable) -> Variable {
        record(s / a.value, inputs: [a], name: "rdivScalar") { g, c in
            [-(g * c.output) / c.input(0)]
        }
    }

    // MARK: - Elementwise minimum and maximum

    /// Elementwise minimum with broadcasting; the gradient goes to `a` where a ≤ b (ties to `a`).
    public static func minimum(_ a: Variable, _ b: Variable) -> Variable {
        selecting(a, b, name: "minimum") { $0 <= $1 }
    }

    /// Elementwise maximum with broadcasting; the gradient goes to `a` where a ≥ b (ties to `a`).
    public static func maximum(_ a: Variable, _ b: Variable) -> Variable {
        selecting(a, b, name: "maximum") { $0 >= $1 }
    }

    private static func selecting(_ a: Variable, _ b: Variable, name: StaticString,
                                  _ pickA: @escaping (Float, Float) -> Bool) -> Variable {
        let maskA = a.value.zipWith(b.value) { pickA($0, $1) ? 1 : 0 }
        let value = a.value.zipWith(b.value) { pickA($0, $1) ? $0 : $1 }
        return record(value, inputs: [a, b], name: name) { g, c in
            [c.needsGradient(0) ? (g * Variable(maskA)).sum(toShape: c.inputShape(0)) : nil,
             c.needsGradient(1) ? (g * Variable(1 - maskA)).sum(toShape: c.inputShape(1)) : nil]
        }
    }
}
