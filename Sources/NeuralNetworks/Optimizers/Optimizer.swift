/// A set of parameters sharing a learning rate and weight decay (PyTorch's param groups).
public struct ParameterGroup {
    /// The parameters with their names (names key the optimizer state in checkpoints).
    public var parameters: [NamedParameter]
    /// The group's learning rate, or `nil` for the optimizer's.
    public var learningRate: Float?
    /// The group's weight decay, or `nil` for the optimizer's.
    public var weightDecay: Float?

    /// Creates a group.
    public init(_ parameters: [NamedParameter], learningRate: Float? = nil, weightDecay: Float? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// The base of every optimizer: per-parameter state and one update rule, ``applySingle(parameter:gradient:state:learningRate:weightDecay:)``.
///
/// ``step()`` applies the rule to every parameter that has a gradient (``Variable/grad``), with
/// its group's learning rate and weight decay. Subclasses supply ``newState(for:)``,
/// ``applySingle(parameter:gradient:state:learningRate:weightDecay:)`` and the state's tensors
/// for checkpoints (``exportState(_:)``, ``importState(_:for:)``).
///
/// ```swift
/// let optimizer = Adam(critic.namedParameters(), learningRate: 3e-4)
/// loss.backward()
/// optimizer.step()
/// optimizer.zeroGrad()
/// ```
open class Optimizer<State> {
    /// The default learning rate of groups that set none.
    public var learningRate: Float
    /// The default weight decay of groups that set none.
    public var weightDecay: Float
    /// The parameter groups.
    public private(set) var groups: [ParameterGroup]
    /// Per-parameter state, `states[g][i]` for parameter i of group g (created lazily).
    public internal(set) var states: [[State?]]

    /// Creates an optimizer over parameter groups.
    public init(groups: [ParameterGroup], learningRate: Float, weightDecay: Float) {
        self.groups = groups
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        states = groups.map { [State?](repeating: nil, count: $0.parameters.count) }
    }

    /// A fresh state for `parameter` (zeros of its shape, typically).
    open func newState(for parameter: Variable) -> State {
        fatalError("\(type(of: self)) must override newState(for:)")
    }

    /// Updates one parameter in place from its gradient.
    open func applySingle(parameter: Variable, gradient: Tensor, state: inout State,
                          learningRate: Float, weightDecay: Float) {
        fatalError("\(type(of: self)) must override applySingle")
    }

    /// The state's tensors by field name, for checkpoints.
    open func exportState(_ state: State) -> [String: Tensor] { [:] }

    /// Rebuilds a state from ``exportState(_:)``'s tensors.
    open func importState(_ tensors: [String: Tensor], for parameter: Variable) throws -> State {
        newState(for: parameter)
    }

    /// Applies one update to every parameter with a gradient (frozen ones are skipped).
    public func step() {
        for g in groups.indices {
            let group = groups[g]
            let lr = group.learningRate ?? learningRate, wd = group.weightDecay ?? weightDecay
            for i in group.parameters.indices {
                let p = group.parameters[i].variable
                guard p.requiresGrad, let gradient = p.grad else { continue }
                // Move the state out of the array so its tensors stay uniquely referenced and the
                // rule updates them in place (a copy left in `states` would force a COW copy).
                var state = states[g][i].take() ?? newState(for: p)
                applySingle(parameter: p, gradient: gradient, state: &state, learningRate: lr, weightDecay: wd)
                states[g][i] = state
            }
        }
    }

    /// One step down `loss`: its gradient with respect to this optimizer's parameters only (so
    /// networks another optimizer owns keep their gradients untouched), then ``step()`` and
    /// ``zeroGrad()``.
    public func minimize(_ loss: Variable) {
        let parameters = self.parameters
        for (p, g) in zip(parameters, gradients(of: loss, withRespectTo: parameters)) { p.grad = g.value }
        step()
        zeroGrad()
    }

    /// Clears the gradient of every parameter.
    public func zeroGrad() {
        for group in groups { for p in group.parameters { p.variable.grad = nil } }
    }

    /// Every parameter, in group order.
    public var parameters: [Variable] { groups.flatMap { $0.parameters.map(\.variable) } }

    /// The whole state as `"<parameter name>.<field>"` → tensor (for checkpoints).
    public func stateDictionary() -> [String: Tensor] {
        var result = [String: Tensor]()
        for g in groups.indices {
            for (i, p) in groups[g].parameters.enumerated() {
                guard let state = states[g][i] else { continue }
                for (field, t) in exportState(state) { result["\(p.name).\(field)"] = t }
            }
        }
        return result
    }

    /// Restores state saved by ``stateDictionary()``; parameters without saved state start fresh.
    public func loadStateDictionary(_ dictionary: [String: Tensor]) throws {
        for g in groups.indices {
            for (i, p) in groups[g].parameters.enumerated() {
                let prefix = p.name + "."
                var fields = [String: Tensor]()
                for (key, t) in dictionary where key.hasPrefix(prefix) { fields[String(key.dropFirst(prefix.count))] = t }
                states[g][i] = fields.isEmpty ? nil : try importState(fields, for: p.variable)
            }
        }
    }
}

/// A checkpoint's optimizer state does not fit the parameters.
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// What is wrong, naming the field and the shapes.
    public var description: String
}

/// Scales gradients so that their joint Euclidean norm is at most `maxNorm` (Pascanu et al. 2013).
///
/// ```
/// n = √(Σₚ ‖gₚ‖²);  if n > maxNorm: gₚ ← gₚ · maxNorm / (n + 1e-6)
/// ```
/// - Parameters:
///   - parameters: parameters whose ``Variable/grad`` is clipped (those without are skipped).
///   - maxNorm: the largest allowed total norm.
/// - Returns: the total norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        let n = Double(g.norm())
        total += n * n
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let factor = maxNorm / (norm + 1e-6)
        for p in parameters where p.grad != nil { p.grad! *= factor }
    }
    return norm
}

/// Polyak averaging of target-network parameters (Lillicrap et al. 2016; SAC's τ-update).
///
/// ```
/// θ_target ← (1 − τ)·θ_target + τ·θ
/// ```
/// - Parameters:
///   - target: the target parameters, updated in place.
///   - source: the online parameters, in the same order and shapes.
///   - tau: τ ∈ [0, 1].
public func polyakUpdate(target: [Variable], source: [Variable], tau: Float) {
    precondition(target.count == source.count, "polyakUpdate: \(target.count) target and \(source.count) source parameters")
    for (t, s) in zip(target, source) {
        precondition(t.shape == s.shape, "polyakUpdate: shapes \(t.shape) and \(s.shape) differ")
        s.value.withUnsafeBufferPointer { src in
            t.value.withUnsafeMutableBufferPointer { dst in
                let ptrs = SendablePointers([dst.baseAddress!, UnsafeMutablePointer(mutating: src.baseAddress!)])
                let keep = 1 - tau
                Kernels.parallelFor(dst.count) { range in
                    let d = ptrs.pointers[0], p = ptrs.pointers[1]
                    for i in range { d[i] = keep * d[i] + tau * p[i] }
                }
            }
        }
    }
}

/// Polyak averaging of a whole module's parameters into a target copy.
public func polyakUpdate(target: Module, source: Module, tau: Float) {
    polyakUpdate(target: target.parameters(), source: source.parameters(), tau: tau)
}
