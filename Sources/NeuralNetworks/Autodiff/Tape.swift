// The reverse sweep: walks the graph recorded in the forward pass from an output back to the
// variables whose gradients are wanted, in reverse topological order, accumulating each
// variable's gradient before passing it on (reverse-mode automatic differentiation; Griewank &
// Walther 2008, ch. 3).

/// Gradients of `output` with respect to `targets` (like `torch.autograd.grad`).
///
/// ```
/// result[i] = seedᵀ · ∂output/∂targets[i]        (seed = ones when omitted)
/// ```
///
/// Only the operations on a path from a target to `output` are differentiated, and only the
/// input-gradients those paths need: asking for an actor's parameter gradients through a critic
/// never computes the critic's weight gradients.
///
/// - Parameters:
///   - output: the variable to differentiate, usually a scalar loss.
///   - targets: the variables to differentiate with respect to (leaves or intermediate).
///   - seed: the upstream gradient of `output` (its shape); ones by default.
///   - createGraph: record the backward pass so that the returned gradients can be
///     differentiated again (double backward); `false` runs the cheaper first-order pass.
/// - Returns: one gradient per target, shaped like it; zeros where `output` does not depend on it.
public func gradients(of output: Variable, withRespectTo targets: [Variable], seed: Variable? = nil,
                      createGraph: Bool = false) -> [Variable] {
    var targetIDs = Set<ObjectIdentifier>()
    for t in targets { targetIDs.insert(ObjectIdentifier(t)) }
    let found = GradientSweep.run(output: output, seed: seed, createGraph: createGraph,
                                  isTarget: { targetIDs.contains(ObjectIdentifier($0)) })
    return targets.map { t in found[ObjectIdentifier(t)] ?? Variable(Tensor.zeros(t.shape)) }
}

extension Variable {
    /// Accumulates ∂self/∂leaf into ``grad`` of every leaf that requires gradients and that
    /// this variable depends on (like PyTorch's `loss.backward()`).
    ///
    /// - Parameters:
    ///   - seed: the upstream gradient (shape of this variable); ones by default.
    ///   - createGraph: record the backward pass (``grad`` then holds only the value; use
    ///     ``gradients(of:withRespectTo:seed:createGraph:)`` to differentiate gradients).
    public func backward(seed: Tensor? = nil, createGraph: Bool = false) {
        var leaves = [ObjectIdentifier: Variable]()
        let found = GradientSweep.run(output: self, seed: seed.map { Variable($0) }, createGraph: createGraph,
                                      isTarget: { v in
                                          guard v.node == nil && v.requiresGrad else { return false }
                                          leaves[ObjectIdentifier(v)] = v
                                          return true
                                      })
        for (id, g) in found {
            guard let leaf = leaves[id] else { continue }
            if leaf.grad == nil { leaf.grad = g.value } else { leaf.grad! += g.value }
        }
    }
}

@usableFromInline
enum GradientSweep {
    /// Walks the graph below `output`; returns the gradient of every target reached.
    static func run(output: Variable, seed: Variable?, createGraph: Bool,
                    isTarget: (Variable) -> Bool) -> [ObjectIdentifier: Variable] {
        if let seed {
            precondition(seed.shape == output.shape,
                         "gradients: seed shape \(seed.shape) differs from output shape \(output.shape)")
        }
        guard output.requiresGrad else { return [:] }

        // 1. Post-order over variables that require gradients (inputs before their users).
        var order = [Variable]()
        var visited = Set<ObjectIdentifier>([ObjectIdentifier(output)])
        var stack: [(Variable, Int)] = [(output, 0)]
        while let (v, next) = stack.last {
            if let node = v.node, next < node.inputs.count {
                stack[stack.count - 1].1 = next + 1
                let u = node.inputs[next]
                if u.requiresGrad && visited.insert(ObjectIdentifier(u)).inserted { stack.append((u, 0)) }
            } else {
                stack.removeLast()
                order.append(v)
            }
        }

        // 2. Which variables lead to a target (only their gradients are computed).
        var leads = [ObjectIdentifier: Bool](minimumCapacity: order.count)
        var targets = Set<ObjectIdentifier>()
        for v in order {
            let id = ObjectIdentifier(v)
            var l = false
            if isTarget(v) { l = true; targets.insert(id) }
            if !l, let node = v.node {
                for u in node.inputs where leads[ObjectIdentifier(u)] == true { l = true; break }
            }
            leads[id] = l
        }
        guard leads[ObjectIdentifier(output)] == true else { return [:] }

        // 3. The reverse sweep.
        var pending = [ObjectIdentifier: Variable](minimumCapacity: order.count)
        pending[ObjectIdentifier(output)] = seed ?? Variable(Tensor.ones(output.shape))
        var found = [ObjectIdentifier: Variable]()
        for v in order.reversed() {
            let id = ObjectIdentifier(v)
            guard leads[id] == true, let g = pending.removeValue(forKey: id) else { continue }
            if targets.contains(id) { found[id] = g }
            guard let node = v.node else { continue }
            let needs = node.inputs.map { leads[ObjectIdentifier($0)] == true }
            let context = BackwardContext(createGraph: createGraph, node: node, result: v, needs: needs)
            let upstream = createGraph ? g : (g.requiresGrad ? g.detached() : g)
            let inputGradients = node.backward(upstream, context)
            precondition(inputGradients.count == node.inputs.count,
                         "backward of \(node.name) returned \(inputGradients.count) gradients for \(node.inputs.count) inputs")
            for (i, gi) in inputGradients.enumerated() {
                guard needs[i], let gi else { continue }
                let u = node.inputs[i]
                precondition(gi.shape == u.shape,
                             "backward of \(node.name): gradient \(gi.shape) for input \(i) of shape \(u.shape)")
                let uid = ObjectIdentifier(u)
                if let existing = pending[uid] {
                    if createGraph {
                        pending[uid] = existing + gi
                    } else {
                        pending[uid] = nil
                        var sum = existing.value
                        sum += gi.value
                        pending[uid] = Variable(sum)
                    }
                } else {
                    pending[uid] = gi
                }
            }
        }
        return found
    }
}
