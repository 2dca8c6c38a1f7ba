#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Unary elementwise functions. Rules reuse the forward output where the derivative is a
// function of it (eˣ, √x), so nothing is recomputed.

extension Variable {
    /// eˣ; ∂/∂x = g·eˣ.
    public func exp() -> Variable {
        Variable.record(value.exp(), inputs: [self], name: "exp") { g, c in [g * c.output] }
    }

    /// Natural logarithm; ∂/∂x = g / x.
    public func log() -> Variable {
        Variable.record(value.log(), inputs: [self], name: "log") { g, c in [g / c.input(0)] }
    }

    /// Square root; ∂/∂x = g / (2√x).
    public func sqrt() -> Variable {
        Variable.record(value.sqrt(), inputs: [self], name: "sqrt") { g, c in [(g / c.output) * 0.5] }
    }

    /// x²; ∂/∂x = 2x·g.
    public func square() -> Variable {
        Variable.record(value.square(), inputs: [self], name: "square") { g, c in
            if !c.createGraph { return [Variable(Kernels.map2(g.value, c.inputValue(0)) { 2 * $0 * $1 })] }
            return [g * c.input(0) * 2]
        }
    }

    /// xᵖ for a constant exponent; ∂/∂x = p·xᵖ⁻¹·g.
    public func pow(_ exponent: Float) -> Variable {
        if exponent == 2 { return square() }
        if exponent == 1 { return self }
        return Variable.record(value.pow(exponent), inputs: [self], name: "pow") { g, c in
            [g * c.input(0).pow(exponent - 1) * exponent]
        }
    }

    /// |x|; ∂/∂x = sign(x)·g (0 at 0).
    public func abs() -> Variable {
        let sign = value.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        return Variable.record(value.abs(), inputs: [self], name: "abs") { g, _ in [g * Variable(sign)] }
    }
}
