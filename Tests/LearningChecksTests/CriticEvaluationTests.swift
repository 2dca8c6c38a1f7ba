import Foundation
import Testing
import TestSupport
import OfflineRL

/// SAC's critic step evaluating a fixed policy on ``Corridor``: the learned Q must match the
/// policy's Monte-Carlo return within 2.5 % (computed in Double from the exact dynamics), which depends on γ,
/// the bootstrapped target, the terminal mask and the Polyak-averaged target critics.
@Suite("Learning checks: critic evaluation")
struct CriticEvaluationTests {
    @Test func criticOfAFixedPolicyMatchesItsMonteCarloReturn() {
        var c = SACConfiguration()
        c.hiddenSizes = [64, 64]
        c.batchSize = 128
        c.discount = Corridor.discount
        c.criticLearningRate = 1e-3
        c.actorLearningRate = 0                 // the policy stays fixed
        c.automaticEntropyTuning = false
        c.initialAlpha = 1e-6                   // α·log π ≈ 2e-5: no entropy bonus to speak of
        c.logStdRange = -20...2
        var rng = RandomGenerator(seed: 21)
        let agent = SACAgent(observationDimension: 1, actionDimension: 1, configuration: c, rng: &rng)
        // The fixed policy: walk right at tanh(3) ≈ 0.995 with σ = e⁻²⁰ (deterministic to float precision).
        agent.actor.head.update(parameters: ["weight": Tensor.zeros([64, 2]), "bias": Tensor([3, -20])])
        let speed = Float(tanh(3.0))

        // Data covering the corridor: uniform states and actions with the exact transitions.
        let n = 8000
        var s = [Float](), u = [Float](), r = [Float](), s2 = [Float](), d = [Float]()
        for _ in 0..<n {
            let p = rng.uniform(-1, 3), a = rng.uniform(-1, 1)
            let t = Corridor.transition(p, a)
            s.append(p); u.append(a); r.append(Float(t.reward)); s2.append(t.next); d.append(t.terminated ? 1 : 0)
        }
        #expect(d.filter { $0 == 1 }.count > n / 10)   // the data holds terminal transitions at both ends
        let buffer = ReplayBuffer(Transitions(observations: Tensor(shape: [n, 1], scalars: s), actions: Tensor(shape: [n, 1], scalars: u),
                                              rewards: Tensor(r), nextObservations: Tensor(shape: [n, 1], scalars: s2), terminals: Tensor(d)))
        var batch = TransitionBatch(batchSize: c.batchSize, observationDimension: 1, actionDimension: 1)
        for _ in 0..<4000 {
            buffer.sample(into: &batch, rng: &rng)
            agent.update(batch, rng: &rng)
        }

        // Probes half-way between the return's jumps (p = 3 − 0.995·k): values 10, 9, 8.1, 7.29.
        let probes: [Float] = [2.5, 1.5, 0.5, -0.5]
        let q = agent.critics(Variable(Tensor(shape: [4, 1], scalars: probes)),
                              Variable(Tensor(shape: [4, 1], scalars: [Float](repeating: speed, count: 4)))).value.min(axis: 0).scalars
        for (i, p) in probes.enumerated() {
            let monteCarlo = Corridor.discountedReturn(from: p, discount: Double(Corridor.discount)) { _ in speed }
            // 2.5 %: a correct critic is within 0.8 % here; bootstrapping from the online critics
            // instead of the Polyak-averaged targets was measured 5.9 % off at p = −0.5.
            #expect(abs(Double(q[i]) - monteCarlo) <= 0.025 * monteCarlo, "Q(\(p), π) = \(q[i]), Monte Carlo \(monteCarlo)")
        }
        let values = probes.map { p in Corridor.discountedReturn(from: p, discount: Double(Corridor.discount)) { _ in speed } }
        #expect(values.map { ($0 * 100).rounded() / 100 } == [10, 9, 8.1, 7.29])   // the known answers
    }
}
