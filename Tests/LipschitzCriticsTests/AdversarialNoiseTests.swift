import Testing
import TestSupport
import LipschitzCritics

@Suite("Adversarial state noise")
struct AdversarialNoiseTests {
    static let scale = Tensor([0.5, 2, 1])

    /// Σᵢ,b (Qᵢ(s + δᵢ,b, a) − Qᵢ(s, a))², the attack's objective.
    static func objective(_ critics: CriticEnsemble, _ o: Tensor, _ a: Tensor, _ delta: Tensor) -> Float {
        let n = critics.members
        let clean = critics(Variable(o), Variable(a)).value
        let tiledO = Tensor.concatenate([Tensor](repeating: o.reshaped([1, o.shape[0], 3]), count: n), axis: 0)
        let tiledA = Tensor.concatenate([Tensor](repeating: a.reshaped([1, a.shape[0], 2]), count: n), axis: 0)
        return (critics.perMember(Variable(tiledO + delta), Variable(tiledA)).value - clean).square().sum()
    }

    /// FGSM and PGD stay inside the ε-ball |δⱼ| ≤ ε·σⱼ and raise the objective above the random
    /// start's and above δ = 0, for a 10-member ensemble.
    @Test(arguments: [AdversarialNoiseSettings.Attack.fgsm, .pgd])
    func perturbationStaysInTheBallAndIncreasesTheLoss(attack: AdversarialNoiseSettings.Attack) {
        let critics = Fixture.critics(members: 10, hidden: [16, 16], seed: 11)
        let (o, a) = Fixture.batch(rows: 32)
        // FGSM with its default 1.25ε step lands in a corner whichever way it steps (the objective is
        // symmetric in δ), so a half-ε step makes the test tell ascent from descent.
        let settings = AdversarialNoiseSettings(epsilon: 0.1, attack: attack, steps: 5, stepSize: attack == .fgsm ? 0.5 : nil)
        let noise = AdversarialStateNoise(settings: settings, stateScale: Self.scale)
        let clean = critics(Variable(o), Variable(a)).value
        var rng = RandomGenerator(seed: 3)
        var startRNG = rng
        let delta = noise.perturbation(critics: critics, observations: o, actions: a, cleanQ: clean, rng: &rng)
        #expect(delta.shape == [10, 32, 3])

        let bound = (Self.scale * 0.1).scalars
        let values = delta.scalars
        for (i, value) in values.enumerated() { #expect(Swift.abs(value) <= bound[i % 3] * (1 + 1e-6)) }
        #expect(values.contains { Swift.abs($0) > 0.5 * bound[0] })     // it moves, not a no-op

        let randomStart = Tensor.uniform([10, 32, 3], low: -1, high: 1, rng: &startRNG) * (Self.scale * 0.1).reshaped([1, 1, 3])
        let attacked = Self.objective(critics, o, a, delta)
        #expect(attacked > Self.objective(critics, o, a, randomStart))
        #expect(attacked > Self.objective(critics, o, a, Tensor.zeros([10, 32, 3])))
    }

    /// The regularizer's loss is λ times the robust loss, and it trains the critics' parameters.
    @Test func lossIsWeightedAndDifferentiable() {
        let critics = Fixture.critics(members: 2, hidden: [8], seed: 12)
        let (o, a) = Fixture.batch(rows: 16)
        var batch = TransitionBatch(batchSize: 16, observationDimension: 3, actionDimension: 2)
        batch.observations = o
        batch.actions = a
        let noise = AdversarialStateNoise(settings: AdversarialNoiseSettings(epsilon: 0.2, weight: 3), stateScale: Self.scale)
        var metrics = TrainingMetrics()
        var rng = RandomGenerator(seed: 1)
        let q = critics(Variable(o), Variable(a))
        let loss = noise.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
        let robust = try! #require(metrics["lipschitz_robust_loss"])
        #expect(isClose(loss.scalar, Float(robust) * 3, rtol: 1e-5))
        #expect(robust > 0)
        // Independently: the same attack (same generator state) through the test's own objective,
        // Σᵢ mean_b (Qᵢ(s + δᵢ,b, a) − Qᵢ(s, a))² = objective / B, times the weight 3.
        var again = RandomGenerator(seed: 1)
        let delta = noise.perturbation(critics: critics, observations: o, actions: a, cleanQ: q.value, rng: &again)
        let independent = Self.objective(critics, o, a, delta) / 16
        #expect(independent > 0 && isClose(loss.scalar, 3 * independent, rtol: 1e-4), "loss \(loss.scalar), by hand 3 × \(independent)")
        let grads = gradients(of: loss, withRespectTo: critics.parameters())
        #expect(grads.contains { $0.value.abs().max() > 0 })
    }
}
