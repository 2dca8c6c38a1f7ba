#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Activation functions. First-order backward passes run one fused loop each; under
// `createGraph` the same derivatives are written as differentiable operations (double backward).

extension Variable {
    /// max(x, 0); ∂/∂x = g·1[x > 0]. The second derivative is 0 almost everywhere, so the
    /// gradient of the backward pass flows only through `g` (the mask is constant).
    public func relu() -> Variable {
        let y = Kernels.relu(value)
        return Variable.record(y, inputs: [self], name: "relu") { g, _ in [g.masked(wherePositive: y)] }
    }

    /// `self` where `reference > 0`, else 0: the ReLU backward step, differentiable in `self`.
    public func masked(wherePositive reference: Tensor) -> Variable {
        let v = Kernels.reluMask(value, reference)
        return Variable.record(v, inputs: [self], name: "reluMask") { g, _ in [g.masked(wherePositive: reference)] }
    }

    /// tanh(x); ∂/∂x = g·(1 − tanh²x).
    public func tanh() -> Variable {
        Variable.record(value.tanh(), inputs: [self], name: "tanh") { g, c in
            if !c.createGraph {
                return [Variable(Kernels.tanhBackward(g.value, c.result.value))]
            }
            return [g * (1 - c.output.square())]
        }
    }

    /// The logistic function σ(x) = 1 / (1 + e⁻ˣ); ∂/∂x = g·σ(1 − σ).
    public func sigmoid() -> Variable {
        let y = Kernels.sigmoid(value)
        return Variable.record(y, inputs: [self], name: "sigmoid") { g, c in
            if !c.createGraph { return [Variable(Kernels.sigmoidBackward(g.value, y))] }
            let s = c.output
            return [g * (s * (1 - s))]
        }
    }

    /// SiLU ("swish", Elfwing et al. 2018; Ramachandran et al. 2017): x·σ(x).
    ///
    /// ```
    /// silu′(x)  = σ + x·σ(1 − σ) = σ + y(1 − σ)
    /// silu″(x)  = σ(1 − σ)(2 + x(1 − 2σ))       (via the recorded rule under createGraph)
    /// ```
    public func silu() -> Variable {
        let (s, y) = Kernels.silu(value)
        return Variable.record(y, inputs: [self], name: "silu") { [s] g, c in
            if !c.createGraph {
                return [Variable(Kernels.siluBackward(g.value, s, c.result.value))]
            }
            let x = c.input(0)
            let sig = x.sigmoid()
            return [g * (sig + x * sig * (1 - sig))]
        }
    }

    /// softplus(x) = log(1 + eˣ), evaluated as max(x, 0) + log1p(e^−|x|); ∂/∂x = g·σ(x).
    public func softplus() -> Variable {
        Variable.record(value.softplus(), inputs: [self], name: "softplus") { g, c in
            if !c.createGraph { return [Variable(Kernels.map2(g.value, c.inputValue(0)) { $0 * Kernels.sigmoid($1) })] }
            return [g * c.input(0).sigmoid()]
        }
    }

    /// Each element limited to `[lower, upper]`; the gradient passes where lower < x < upper.
    public func clamped(min lower: Float, max upper: Float) -> Variable {
        let inside = value.map { $0 > lower && $0 < upper ? 1 : 0 }
        return Variable.record(value.clamped(min: lower, max: upper), inputs: [self], name: "clamp") { g, _ in
            [g * Variable(inside)]
        }
    }
}
