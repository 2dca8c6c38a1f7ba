/// Stochastic gradient descent with optional momentum and (coupled, L2) weight decay.
///
/// ```
/// g ← g + λ·θ;   b ← μ·b + g;   θ ← θ − η·b       (b = g when μ = 0; PyTorch's SGD)
/// ```
public final class SGD: Optimizer<Tensor?> {
    /// Momentum μ (0 disables the buffer).
    public var momentum: Float

    /// Creates the optimizer.
    /// - Parameters:
    ///   - parameters: the parameters (one group).
    ///   - learningRate: η.
    ///   - momentum: μ.
    ///   - weightDecay: λ (L2, added to the gradient).
    public convenience init(_ parameters: [NamedParameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }

    /// Creates the optimizer over parameter groups.
    public init(groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.momentum = momentum
        super.init(groups: groups, learningRate: learningRate, weightDecay: weightDecay)
    }

    override public func newState(for parameter: Variable) -> Tensor? { nil }

    override public func applySingle(parameter: Variable, gradient: Tensor, state: inout Tensor?,
                                     learningRate: Float, weightDecay: Float) {
        var g = gradient
        if weightDecay != 0 { g = g + parameter.value * weightDecay }
        if momentum != 0 {
            if var buffer = state {
                state = nil
                buffer *= momentum
                buffer += g
                state = buffer
            } else {
                state = g
            }
            g = state!
        }
        parameter.value.addScaled(g, alpha: -learningRate)
    }

    override public func exportState(_ state: Tensor?) -> [String: Tensor] {
        guard let state else { return [:] }
        return ["momentum": state]
    }

    override public func importState(_ tensors: [String: Tensor], for parameter: Variable) throws -> Tensor? {
        guard let m = tensors["momentum"] else { return nil }
        guard m.shape == parameter.shape else {
            throw OptimizerStateError(description: "SGD momentum has shape \(m.shape), parameter \(parameter.shape)")
        }
        return m
    }
}
