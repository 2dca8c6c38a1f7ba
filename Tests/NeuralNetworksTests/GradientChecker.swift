import NeuralNetworks

/// Central finite-difference gradient checks for functions built from `Variable` operations.
///
/// The function's output `y` is contracted with fixed random weights `w` and the scalar
/// `L = Σ w·y` is accumulated in Double, so the only Float32 rounding in a difference quotient is
/// that of the outputs themselves. With step h the quotient's error is about
/// ε₃₂·|y|·√n / h (rounding, ε₃₂ ≈ 6e-8) plus h²·|L‴|/6 (truncation); with h = 1e-3 and the O(1)
/// values used in the tests both stay below ~1e-3 absolute, so a gradient passes when
/// |analytic − numeric| ≤ atol + rtol·|numeric| with atol = 2e-3, rtol = 1e-2. A wrong rule
/// misses by O(1) (see `checkerCatchesWrongRules`). Inputs are drawn away from kinks
/// (|x| > 0.05) where a test needs that.
struct GradientCheck {
    var step: Float = 1e-3
    var rtol: Double = 1e-2
    var atol: Double = 2e-3

    /// The worst normalised error |a − n| / (atol + rtol·|n|) over every element of `leaves`
    /// (≤ 1 passes). `f` must read the leaves (which require gradients) and may be called often;
    /// the leaves' values are perturbed in place and restored.
    func worstError(leaves: [Variable], seed: UInt64 = 99, _ f: () -> Variable) -> Double {
        let y = f()
        var rng = RandomGenerator(seed: seed)
        let w = Tensor.uniform(y.shape, low: -1, high: 1, rng: &rng)
        let analytic = gradients(of: y, withRespectTo: leaves, seed: Variable(w)).map(\.value)
        let weights = w.scalars.map(Double.init)

        func contracted() -> Double {
            let out = f().value.scalars
            var total = 0.0
            for i in 0..<out.count { total += weights[i] * Double(out[i]) }
            return total
        }

        var worst = 0.0
        for (k, leaf) in leaves.enumerated() {
            let original = leaf.value
            let a = analytic[k].scalars
            for i in 0..<original.count {
                var plus = original, minus = original
                plus.withUnsafeMutableBufferPointer { $0[i] += step }
                minus.withUnsafeMutableBufferPointer { $0[i] -= step }
                let actualStep = Double(plus.scalars[i]) - Double(minus.scalars[i])
                leaf.value = plus
                let up = contracted()
                leaf.value = minus
                let down = contracted()
                leaf.value = original
                let numeric = (up - down) / actualStep
                let error = Swift.abs(Double(a[i]) - numeric) / (atol + rtol * Swift.abs(numeric))
                worst = Swift.max(worst, error.isNaN ? .infinity : error)
            }
        }
        return worst
    }

    /// As ``worstError(leaves:seed:_:)`` for a function of fresh leaves made from `inputs`.
    func worstError(_ inputs: [Tensor], seed: UInt64 = 99, _ f: ([Variable]) -> Variable) -> Double {
        let leaves = inputs.map { Variable($0, requiresGrad: true) }
        return worstError(leaves: leaves, seed: seed) { f(leaves) }
    }

    /// Checks double backward: differentiates `∂(Σ v·f)/∂leaves[index]`, recorded with
    /// `createGraph: true`, with respect to every leaf, against finite differences of the
    /// first-order gradient.
    func worstSecondOrderError(leaves: [Variable], withRespectTo index: Int = 0, seed: UInt64 = 7,
                               _ f: @escaping () -> Variable) -> Double {
        var rng = RandomGenerator(seed: seed)
        let v = Tensor.uniform(f().shape, low: -1, high: 1, rng: &rng)
        return worstError(leaves: leaves, seed: seed + 1) {
            gradients(of: f(), withRespectTo: [leaves[index]], seed: Variable(v), createGraph: true)[0]
        }
    }

    /// As ``worstSecondOrderError(leaves:withRespectTo:seed:_:)`` for fresh leaves.
    func worstSecondOrderError(_ inputs: [Tensor], withRespectTo index: Int = 0, seed: UInt64 = 7,
                               _ f: @escaping ([Variable]) -> Variable) -> Double {
        let leaves = inputs.map { Variable($0, requiresGrad: true) }
        return worstSecondOrderError(leaves: leaves, withRespectTo: index, seed: seed) { f(leaves) }
    }
}

/// A tensor of uniform values in ±[low, high] (random sign), away from 0.
func awayFromZero(_ shape: TensorShape, low: Float = 0.05, high: Float = 1, rng: inout RandomGenerator) -> Tensor {
    Tensor(shape: shape) { p in
        for i in 0..<p.count {
            let magnitude = rng.uniform(low, high)
            p[i] = rng.uniform() < 0.5 ? -magnitude : magnitude
        }
    }
}

func maxAbs(_ t: Tensor) -> Float { t.count == 0 ? 0 : t.abs().max() }
