/// A tensor that takes part in automatic differentiation.
///
/// A `Variable` wraps a ``Tensor`` ``value``. When any input of an operation
/// ``requiresGrad``, the operation records a node (its inputs and a backward rule) in the
/// result, so the results form a graph recorded during the forward pass, and
/// ``backward(seed:createGraph:)`` or ``gradients(of:withRespectTo:seed:createGraph:)`` can walk
/// it in reverse (reverse-mode automatic differentiation). Operations on variables that do not
/// require gradients record nothing and cost only the tensor arithmetic.
///
/// Backward rules are written in `Variable` operations themselves, so passing
/// `createGraph: true` records the backward pass too and gradients of gradients ("double
/// backward") work, as needed by gradient penalties and the EDAC diversity term.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let w = Variable(Tensor.normal([3, 1], rng: &rng), requiresGrad: true)
/// let x = Variable(Tensor.normal([8, 3], rng: &rng))
/// let loss = x.matmul(w).square().mean()
/// loss.backward()                      // w.grad now holds ∂loss/∂w, shape [3, 1]
/// ```
///
/// Parameters are long-lived variables whose ``value`` an optimizer updates in place; every
/// other variable is a short-lived node of one step's graph.
///
/// ### See Also
/// - ``gradients(of:withRespectTo:seed:createGraph:)``
/// - ``BackwardContext``
public final class Variable {
    /// The current value.
    public var value: Tensor
    /// The accumulated gradient of the last ``backward(seed:createGraph:)`` calls (leaves only),
    /// `nil` until one writes it. Reset it with ``zeroGrad()``.
    public var grad: Tensor?
    /// Whether operations on this variable are recorded. Always `true` for operation results
    /// that have a node; set it to `false` to freeze a parameter.
    public var requiresGrad: Bool
    /// The recorded operation that produced this variable, `nil` for leaves and constants.
    @usableFromInline internal let node: Node?

    /// Creates a leaf variable.
    /// - Parameters:
    ///   - value: the tensor.
    ///   - requiresGrad: whether gradients with respect to it are wanted (parameters, inputs of
    ///     an input-gradient).
    @inlinable
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = nil
    }

    /// Creates a rank-0 constant.
    @inlinable
    public convenience init(_ scalar: Float) { self.init(Tensor(scalar)) }

    @inlinable
    internal init(value: Tensor, node: Node) {
        self.value = value
        self.requiresGrad = true
        self.node = node
    }

    /// The shape of ``value``.
    @inlinable public var shape: TensorShape { value.shape }
    /// The rank of ``value``.
    @inlinable public var rank: Int { value.rank }
    /// Whether this variable is a leaf (created directly, not by an operation).
    @inlinable public var isLeaf: Bool { node == nil }
    /// The single element of a one-element value.
    @inlinable public var scalar: Float { value.scalar }

    /// The same value cut off from the graph: gradients do not flow through it ("stop-gradient").
    @inlinable
    public func detached() -> Variable { Variable(value) }

    /// Clears ``grad``.
    @inlinable
    public func zeroGrad() { grad = nil }

    /// Records an operation: returns a variable holding `value` whose gradient rule is `backward`.
    ///
    /// This is how every differentiable operation is built, and how a user adds a new one. The
    /// rule receives the upstream gradient `g` (shape of `value`) and a ``BackwardContext``
    /// giving the inputs and output, and returns one gradient per input (shape of that input) or
    /// `nil` where ``BackwardContext/needsGradient(_:)`` is false or the gradient is zero. Write
    /// the rule in `Variable` operations, taking the inputs from the context (never from the
    /// closure's captures), so that it is itself differentiable under `createGraph: true`.
    ///
    /// - Parameters:
    ///   - value: the forward result.
    ///   - inputs: the variables it depends on.
    ///   - name: a label for debugging.
    ///   - backward: the vector-Jacobian product.
    /// - Returns: a recorded variable if any input requires gradients, else a constant.
    @inlinable
    public static func record(_ value: Tensor, inputs: [Variable], name: StaticString,
                              backward: @escaping Backward) -> Variable {
        for input in inputs where input.requiresGrad {
            return Variable(value: value, node: Node(inputs: inputs, name: name, backward: backward))
        }
        return Variable(value)
    }
}

extension Variable: CustomStringConvertible {
    /// The value and, for recorded results, the operation that produced it.
    public var description: String {
        "Variable(\(value)\(node.map { ", op: \($0.name)" } ?? (requiresGrad ? ", leaf" : "")))"
    }
}

/// A gradient rule: upstream gradient and context in, one gradient (or `nil`) per input out.
public typealias Backward = (_ upstream: Variable, _ context: BackwardContext) -> [Variable?]

/// One recorded operation: its inputs and its gradient rule.
@usableFromInline
final class Node {
    @usableFromInline let inputs: [Variable]
    @usableFromInline let name: StaticString
    @usableFromInline let backward: Backward

    @inlinable
    init(inputs: [Variable], name: StaticString, backward: @escaping Backward) {
        self.inputs = inputs
        self.name = name
        self.backward = backward
    }
}

/// What a gradient rule may read while the graph is walked backwards.
///
/// Inputs and output come back as graph variables when the backward pass is itself recorded
/// (`createGraph: true`), and as constants otherwise, so the same rule serves the fast
/// first-order pass (nothing recorded) and double backward.
public struct BackwardContext {
    /// Whether this backward pass is being recorded for a further derivative.
    public let createGraph: Bool
    @usableFromInline let node: Node
    @usableFromInline let result: Variable
    @usableFromInline let needs: [Bool]

    @inlinable
    init(createGraph: Bool, node: Node, result: Variable, needs: [Bool]) {
        self.createGraph = createGraph
        self.node = node
        self.result = result
        self.needs = needs
    }

    /// Input `i` (a graph variable under `createGraph`, otherwise a constant with its value).
    @inlinable
    public func input(_ i: Int) -> Variable {
        createGraph ? node.inputs[i] : Variable(node.inputs[i].value)
    }

    /// The value of input `i`, for rules that only need numbers (masks, shapes).
    @inlinable
    public func inputValue(_ i: Int) -> Tensor { node.inputs[i].value }

    /// The shape of input `i`.
    @inlinable
    public func inputShape(_ i: Int) -> TensorShape { node.inputs[i].value.shape }

    /// The operation's output (graph variable under `createGraph`, else a constant).
    @inlinable
    public var output: Variable { createGraph ? result : Variable(result.value) }

    /// Whether the gradient for input `i` is wanted; rules skip the work when it is not.
    @inlinable
    public func needsGradient(_ i: Int) -> Bool { needs[i] }
}
