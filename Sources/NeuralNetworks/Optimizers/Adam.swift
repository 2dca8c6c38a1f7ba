#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam's per-parameter state: first and second moment estimates and the step count.
public struct AdamState {
    /// First-moment estimate m.
    public var m: Tensor
    /// Second-moment estimate v.
    public var v: Tensor
    /// Updates applied so far.
    public var step: Int
}

/// Adam (Kingma & Ba 2015, Algorithm 1) with optional coupled L2 weight decay, or AdamW's
/// decoupled weight decay (Loshchilov & Hutter 2019, Algorithm 2) when `decoupled` is set.
///
/// ```
/// θ ← θ·(1 − η·λ)                               (AdamW only)
/// g ← g + λ·θ                                   (Adam with weight decay only)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)      (PyTorch's evaluation order)
/// ```
/// One fused loop per parameter reads and writes θ, m and v once.
open class Adam: Optimizer<AdamState> {
    /// β₁.
    public var beta1: Float
    /// β₂.
    public var beta2: Float
    /// ε.
    public var epsilon: Float
    /// Whether weight decay is decoupled (AdamW) rather than added to the gradient.
    public let decoupled: Bool

    /// Creates Adam over one group.
    /// - Parameters:
    ///   - parameters: the parameters.
    ///   - learningRate: η (1e-3 by default).
    ///   - beta1: β₁ (0.9).
    ///   - beta2: β₂ (0.999).
    ///   - epsilon: ε (1e-8).
    ///   - weightDecay: λ, coupled L2 (0).
    public convenience init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                            beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
    }

    /// Creates Adam over parameter groups (each may set its own learning rate and weight decay).
    public init(groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupled = decoupled
        super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay)
    }

    override public func newState(for parameter: Variable) -> AdamState {
        AdamState(m: Tensor.zeros(parameter.shape), v: Tensor.zeros(parameter.shape), step: 0)
    }

    override public func applySingle(parameter: Variable, gradient: Tensor, state: inout AdamState,
                                     learningRate: Float, weightDecay: Float) {
        precondition(gradient.shape == parameter.shape, "Adam: gradient \(gradient.shape) for parameter \(parameter.shape)")
        state.step += 1
        let t = Float(state.step)
        let b1 = beta1, b2 = beta2, eps = epsilon
        let stepSize = learningRate / (1 - powf(b1, t))
        let bias2Root = (1 - powf(b2, t)).squareRoot()
        let decay = decoupled ? 1 - learningRate * weightDecay : 1
        let l2 = decoupled ? 0 : weightDecay
        var m = state.m, v = state.v
        state.m = Tensor.zeros([0]); state.v = Tensor.zeros([0])   // keep m, v uniquely referenced
        gradient.withUnsafeBufferPointer { pg in
            parameter.value.withUnsafeMutableBufferPointer { pp in
                m.withUnsafeMutableBufferPointer { pm in
                    v.withUnsafeMutableBufferPointer { pv in
                        let ptrs = SendablePointers([UnsafeMutablePointer(mutating: pg.baseAddress!), pp.baseAddress!,
                                                     pm.baseAddress!, pv.baseAddress!])
                        Kernels.parallelFor(pp.count) { range in
                            let g = ptrs.pointers[0], p = ptrs.pointers[1], mm = ptrs.pointers[2], vv = ptrs.pointers[3]
                            // One branch-free pass in the CPU's widest vectors (the same operations,
                            // in this order, as the loop it replaced); decay = 1 and l2 = 0 leave θ
                            // and g exactly unchanged.
                            let lo = range.lowerBound
                            VectorKernels.adamStep(gradient: g + lo, parameter: p + lo, m: mm + lo, v: vv + lo,
                                                   count: range.count, beta1: b1, beta2: b2, epsilon: eps,
                                                   stepSize: stepSize, bias2Root: bias2Root, decay: decay, l2: l2)
                        }
                    }
                }
            }
        }
        state.m = m
        state.v = v
    }

    override public func exportState(_ state: AdamState) -> [String: Tensor] {
        ["m": state.m, "v": state.v, "step": Tensor(Float(state.step))]
    }

    override public func importState(_ tensors: [String: Tensor], for parameter: Variable) throws -> AdamState {
        guard let m = tensors["m"], let v = tensors["v"], let step = tensors["step"] else {
            throw OptimizerStateError(description: "Adam state needs m, v and step; found \(tensors.keys.sorted())")
        }
        guard m.shape == parameter.shape, v.shape == parameter.shape else {
            throw OptimizerStateError(description: "Adam state m \(m.shape) / v \(v.shape) for parameter \(parameter.shape)")
        }
        return AdamState(m: m, v: v, step: Int(step.scalar))
    }
}

/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019).
///
/// ```
/// θ ← θ·(1 − η·λ), then the Adam step
/// ```
public final class AdamW: Adam {
    /// Creates AdamW over one group (λ = 0.01 by default, PyTorch's).
    public convenience init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                            beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, weightDecay: weightDecay)
    }

    /// Creates AdamW over parameter groups.
    public init(groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
