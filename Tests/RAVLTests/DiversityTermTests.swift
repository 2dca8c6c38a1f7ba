import Foundation
import Testing
import TestSupport
import RAVL

/// The library ensemble for a reference ensemble, with the batch as Float tensors.
private func libraryCritics(_ reference: ReferenceCritics, sizes: [Int], states: [[Double]], actions: [[Double]])
    -> (critics: CriticEnsemble, states: Tensor, actions: Tensor) {
    var rng = RandomGenerator(seed: 0)
    let critics = CriticEnsemble(observationDimension: reference.stateDimension, actionDimension: actions[0].count,
                                 hiddenSizes: Array(sizes.dropFirst().dropLast()), members: reference.members, rng: &rng)
    reference.load(into: critics)
    let s = Tensor(shape: [states.count, states[0].count], scalars: states.flatMap { $0 }.map(Float.init))
    let a = Tensor(shape: [actions.count, actions[0].count], scalars: actions.flatMap { $0 }.map(Float.init))
    return (critics, s, a)
}

/// The weight gradients of L_div from the library's double backward.
private func autodiffGradients(_ critics: CriticEnsemble, _ states: Tensor, _ actions: Tensor) -> (loss: Float, weights: [Tensor], biases: [Tensor]) {
    let layers = critics.network.layers.map { $0 as! EnsembleLinear }
    let loss = EnsembleDiversityRegularizer.diversity(critics: critics, observations: states, actions: actions)
    let grads = gradients(of: loss, withRespectTo: layers.flatMap { [$0.weight, $0.bias] })
    return (loss.scalar, stride(from: 0, to: grads.count, by: 2).map { grads[$0].value },
            stride(from: 1, to: grads.count, by: 2).map { grads[$0].value })
}

@Suite("EDAC diversity term")
struct DiversityTermTests {
    /// The reference test vector (Sources/RAVL/RAVL.docc/ReachAwareValueLearning.md): Q, ∇ₐQ, L_div, and the listed parameter gradients (zero for biases
    /// and state rows), each from the library in Float32.
    @Test func matchesTheTestVector() {
        let (reference, states, actions) = ReferenceCritics.testVector()
        let (critics, s, a) = libraryCritics(reference, sizes: [4, 5, 5, 1], states: states, actions: actions)
        let q = critics(Variable(s), Variable(a)).value
        let expectedQ: [Float] = [0.02216715, -0.00019304, 0.10820009, 0.11201272, 0.18942017, 0.2333653]
        #expect(isClose(q, Tensor(shape: [3, 2], scalars: expectedQ), rtol: 1e-5, atol: 1e-6), "\(q.scalars)")
        let expectedGrad: [[Double]] = [[-0.04002482, 0.0021497], [0.01233509, -0.02214951],
                                        [-0.06390782, 0.10308116], [0.00526633, -0.03428303],
                                        [-0.00204731, -0.01688709], [-0.02790669, 0.01418293]]
        for n in 0..<3 {
            for b in 0..<2 {
                let g = reference.actionGradient(n, states[b] + actions[b])
                for k in 0..<2 { #expect(abs(g[k] - expectedGrad[2 * n + b][k]) < 1e-8) }
            }
        }
        let (loss, weightGrads, biasGrads) = autodiffGradients(critics, s, a)
        #expect(abs(Double(loss) - (-0.3084845608188772)) < 2e-6, "L_div = \(loss)")
        #expect(abs(reference.diversity(states: states, actions: actions) - (-0.3084845608188772)) < 1e-12)
        // dL/dW2[n=1][:, 0]
        let w2 = weightGrads[2].scalars, expectedW2: [Float] = [0.23912555, -0.36480793, 0.48318868, 0.0, 0.68876129]
        for p in 0..<5 { #expect(isClose(w2[5 + p], expectedW2[p], rtol: 1e-4, atol: 1e-6), "dW2[1][\(p)] = \(w2[5 + p])") }
        // dL/dW0[n=1][2][1] (an action row) and dL/dW0[0][0][0] (a state row).
        let w0 = weightGrads[0].scalars
        #expect(isClose(w0[4 * 5 + 2 * 5 + 1], 0.2229775995, rtol: 1e-4, atol: 1e-6), "dW0[1][2][1] = \(w0[31])")
        for n in 0..<3 { for i in 0..<2 { for j in 0..<5 { #expect(w0[n * 20 + i * 5 + j] == 0) } } }
        for g in biasGrads { #expect(g.scalars.allSatisfy { $0 == 0 }) }
        // The TD loss of the same vector: Σₙ mean_b (Qₙ − y)², y = (0.5, −0.25).
        let y = Tensor([0.5, -0.25])
        let td = (critics(Variable(s), Variable(a)) - Variable(y)).square().mean(axis: 1).sum().scalar
        #expect(abs(Double(td) - 0.45269498761403637) < 2e-6)
    }

    /// On a random 3-hidden-layer ensemble (N = 5): the closed form equals central finite
    /// differences in Double, and the library's double backward (Float32) equals the closed form.
    @Test func gradientsMatchClosedFormAndFiniteDifferences() {
        var rng = RandomGenerator(seed: 42)
        let sizes = [7, 16, 16, 16, 1], stateDimension = 4
        let reference = ReferenceCritics.random(sizes: sizes, members: 5, stateDimension: stateDimension, rng: &rng)
        let states = (0..<6).map { _ in (0..<4).map { _ in Double(rng.uniform(-1, 1)) } }
        let actions = (0..<6).map { _ in (0..<3).map { _ in Double(rng.uniform(-1, 1)) } }
        let closed = reference.closedFormWeightGradients(states: states, actions: actions)

        // Closed form vs finite differences, at weights of every layer (action rows of W_0).
        var checked = 0
        for (l, i, j) in [(0, 4, 3), (0, 6, 11), (1, 2, 5), (1, 15, 0), (2, 7, 7), (2, 9, 14), (3, 3, 0), (3, 12, 0)] {
            for m in [0, 3] {
                let fd = reference.finiteDifference(layer: l, member: m, row: i, column: j, states: states, actions: actions)
                #expect(abs(fd - closed[l][m][i][j]) < 1e-6 * Swift.max(1, abs(fd)), "layer \(l) member \(m) [\(i)][\(j)]: fd \(fd) vs \(closed[l][m][i][j])")
                checked += 1
            }
        }
        #expect(checked == 16)
        // State rows of W_0 have zero gradient.
        for m in 0..<5 { for i in 0..<stateDimension { #expect(closed[0][m][i].allSatisfy { $0 == 0 }) } }

        // Library (Float32 double backward) vs the closed form, every weight.
        let (critics, s, a) = libraryCritics(reference, sizes: sizes, states: states, actions: actions)
        let (loss, weightGrads, biasGrads) = autodiffGradients(critics, s, a)
        #expect(abs(Double(loss) - reference.diversity(states: states, actions: actions)) < 1e-5)
        var worst = 0.0, scale = 0.0
        for l in 0..<closed.count {
            let flat = closed[l].flatMap { $0.flatMap { $0 } }, got = weightGrads[l].scalars
            #expect(flat.count == got.count)
            for k in 0..<flat.count {
                worst = Swift.max(worst, abs(Double(got[k]) - flat[k]))
                scale = Swift.max(scale, abs(flat[k]))
            }
        }
        #expect(scale > 1e-2)
        #expect(worst < 1e-4 * scale, "max |autodiff − closed form| = \(worst), scale \(scale)")
        for g in biasGrads { #expect(g.scalars.allSatisfy { abs($0) < 1e-6 }) }

        // And the library's forward value moves as its gradient says (Float32 finite difference).
        let layer = critics.network.layers[1] as! EnsembleLinear
        let index = 2 * 16 * 16 + 15 * 16 + 0          // member 2, [15][0]
        let original = layer.weight.value
        func lossAt(_ delta: Float) -> Double {
            var w = original.scalars
            w[index] += delta
            layer.weight.value = Tensor(shape: original.shape, scalars: w)
            return Double(EnsembleDiversityRegularizer.diversity(critics: critics, observations: s, actions: a).scalar)
        }
        let fd32 = (lossAt(3e-3) - lossAt(-3e-3)) / 6e-3
        layer.weight.value = original
        #expect(abs(fd32 - Double(weightGrads[1].scalars[index])) < 2e-3 * Swift.max(1, abs(fd32)), "fd \(fd32) vs \(weightGrads[1].scalars[index])")
    }

    /// A member whose action-gradient is exactly zero contributes u = 0 and no NaN.
    @Test func deadMemberGivesFiniteGradients() {
        var (reference, states, actions) = ReferenceCritics.testVector()
        reference.weights[2][0] = reference.weights[2][0].map { $0.map { _ in 0 } }   // member 0: Q constant in a
        let (critics, s, a) = libraryCritics(reference, sizes: [4, 5, 5, 1], states: states, actions: actions)
        let (loss, weightGrads, _) = autodiffGradients(critics, s, a)
        #expect(loss.isFinite)
        #expect(abs(Double(loss) - reference.diversity(states: states, actions: actions)) < 1e-5)
        for g in weightGrads { #expect(g.scalars.allSatisfy { $0.isFinite }) }
    }

    /// η scales the term; η = 0 adds a zero and logs nothing.
    @Test func regularizerScalesByEta() {
        let (reference, states, actions) = ReferenceCritics.testVector()
        let (critics, s, a) = libraryCritics(reference, sizes: [4, 5, 5, 1], states: states, actions: actions)
        var batch = TransitionBatch(batchSize: 2, observationDimension: 2, actionDimension: 2)
        batch.observations = s
        batch.actions = a
        var metrics = TrainingMetrics(), rng = RandomGenerator(seed: 1)
        let q = critics(Variable(s), Variable(a))
        let two = EnsembleDiversityRegularizer(eta: 2).loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
        #expect(abs(Double(two.scalar) - 2 * (-0.3084845608188772)) < 4e-6)
        #expect(metrics["diversity_loss"] != nil)
        var none = TrainingMetrics()
        let zero = EnsembleDiversityRegularizer(eta: 0).loss(critics: critics, batch: batch, q: q, metrics: &none, rng: &rng)
        #expect(zero.scalar == 0 && none.isEmpty)
    }

    /// The agent's update shares the TD loss's forward pass with the term (``ActionGradientRegularizer``):
    /// three EDAC updates give the critics, actor and logs of three updates in which the term runs
    /// its own forward pass (the same term behind a plain ``CriticRegularizer``).
    @Test func theAgentsSharedForwardPassEqualsTheTermsOwn() {
        final class OwnForward: CriticRegularizer {
            let term = EnsembleDiversityRegularizer(eta: 1.5)
            func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                      rng: inout RandomGenerator) -> Variable {
                term.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
            }
        }
        let o = 5, a = 3, b = 32
        var configuration = SACConfiguration()
        configuration.hiddenSizes = [32, 32]
        configuration.critics = 4
        func agent(_ regularizer: any CriticRegularizer) -> SACAgent {
            var rng = RandomGenerator(seed: 11)
            let agent = SACAgent(observationDimension: o, actionDimension: a, configuration: configuration, rng: &rng)
            agent.criticRegularizers = [regularizer]
            return agent
        }
        /// The term as the agent sees it, counting which of its two entries the agent calls.
        final class Counted: ActionGradientRegularizer {
            let term = EnsembleDiversityRegularizer(eta: 1.5)
            var sharedCalls = 0, ownCalls = 0
            func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                      rng: inout RandomGenerator) -> Variable {
                ownCalls += 1
                return term.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
            }
            func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, memberActions: Variable,
                      metrics: inout TrainingMetrics, rng: inout RandomGenerator) -> Variable {
                sharedCalls += 1
                return term.loss(critics: critics, batch: batch, q: q, memberActions: memberActions, metrics: &metrics, rng: &rng)
            }
        }
        let counted = Counted()
        let shared = agent(counted), own = agent(OwnForward())
        var data = RandomGenerator(seed: 12), rngShared = RandomGenerator(seed: 13), rngOwn = RandomGenerator(seed: 13)
        for _ in 0..<3 {
            var batch = TransitionBatch(batchSize: b, observationDimension: o, actionDimension: a)
            batch.observations = Tensor.normal([b, o], rng: &data)
            batch.actions = Tensor.uniform([b, a], low: -1, high: 1, rng: &data)
            batch.nextObservations = Tensor.normal([b, o], rng: &data)
            batch.rewards = Tensor.normal([b], rng: &data)
            batch.terminals = Tensor.zeros([b])
            let sharedLog = shared.update(batch, rng: &rngShared), ownLog = own.update(batch, rng: &rngOwn)
            for (key, value) in ownLog {
                let other = sharedLog[key] ?? .nan
                #expect(abs(other - value) <= 1e-4 * max(1, abs(value)), "\(key): \(other) vs \(value)")
            }
        }
        #expect(counted.sharedCalls == 3 && counted.ownCalls == 0)    // one forward pass per update
        let sharedCritics = shared.critics.parameterValues(), sharedActor = shared.actor.parameterValues()
        for (name, value) in own.critics.parameterValues() {
            #expect(isClose(sharedCritics[name]!, value, rtol: 1e-4, atol: 1e-6), "critic \(name)")
        }
        for (name, value) in own.actor.parameterValues() {
            #expect(isClose(sharedActor[name]!, value, rtol: 1e-4, atol: 1e-6), "actor \(name)")
        }
    }
}
