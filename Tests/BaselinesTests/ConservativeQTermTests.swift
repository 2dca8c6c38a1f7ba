import Foundation
import Testing
import TestSupport
import Baselines

/// CQL's and COMBO's conservative term against hand computations in Double.
@Suite("Conservative Q term (CQL, COMBO)")
struct ConservativeQTermTests {
    /// Two critics on 1-D states and actions with Qᵢ(s, a) = kᵢ·a (k = 1, 2) for a > −10:
    /// one hidden unit relu(a + 10), output kᵢ·h − 10·kᵢ.
    static func linearCritics() -> CriticEnsemble {
        var rng = RandomGenerator(seed: 1)
        let critics = CriticEnsemble(observationDimension: 1, actionDimension: 1, hiddenSizes: [1], members: 2, rng: &rng)
        critics.update(parameters: [
            "network.layers.0.weight": Tensor(shape: [2, 2, 1], scalars: [0, 1, 0, 1]),
            "network.layers.0.bias": Tensor(shape: [2, 1, 1], scalars: [10, 10]),
            "network.layers.1.weight": Tensor(shape: [2, 1, 1], scalars: [1, 2]),
            "network.layers.1.bias": Tensor(shape: [2, 1, 1], scalars: [-10, -20]),
        ])
        return critics
    }

    static let slopes = [1.0, 2.0]

    /// `mean_p T·log Σ_k exp((kᵢ·a_pk − ℓ_pk)/T)` in Double.
    static func expectedSoftMaximum(actions: [[Double]], logDensities: [[Double]], slope: Double, temperature: Double) -> Double {
        var total = 0.0
        for (row, densities) in zip(actions, logDensities) {
            total += temperature * Foundation.log(zip(row, densities).map { Foundation.exp((slope * $0 - $1) / temperature) }.reduce(0, +))
        }
        return total / Double(actions.count)
    }

    @Test func softMaximumMatchesTheLogSumExpOfEquationFour() throws {
        let critics = Self.linearCritics()
        let actions: [[Double]] = [[0.5, -0.25, 0.9], [-0.8, 0.1, 0.3]]
        let logDensities: [[Double]] = [[-0.7, 0.2, -0.69], [0.4, -1.3, 0.0]]
        for temperature in [1.0, 0.5] {
            let value = ConservativeQTerm.softMaximum(
                critics: critics, observations: Tensor(shape: [2, 1], scalars: [0.3, -1.2]),
                candidateActions: Tensor(shape: [2, 3, 1], scalars: actions.flatMap { $0.map(Float.init) }),
                logDensities: Tensor(shape: [2, 3], scalars: logDensities.flatMap { $0.map(Float.init) }),
                temperature: Float(temperature)).value
            #expect(value.shape == [2])
            for (i, k) in Self.slopes.enumerated() {
                let expected = Self.expectedSoftMaximum(actions: actions, logDensities: logDensities, slope: k, temperature: temperature)
                #expect(abs(Double(value.scalars[i]) - expected) < 1e-5, "critic \(i), T = \(temperature): \(value.scalars[i]) vs \(expected)")
            }
        }
        // Closed form: equal values and densities give Q − ℓ + T·log K.
        let flat = ConservativeQTerm.softMaximum(
            critics: critics, observations: Tensor(shape: [1, 1], scalars: [0]), candidateActions: Tensor(repeating: 0.5, shape: [1, 4, 1]),
            logDensities: Tensor(repeating: -0.3, shape: [1, 4]), temperature: 2).value
        #expect(abs(Double(flat.scalars[0]) - (0.5 + 0.3 + 2 * Foundation.log(4))) < 1e-5)
    }

    /// The whole term: w·Σᵢ(push-down − push-up), with the proposals the term draws (replayed from
    /// the same generator) and the push-up over the chosen rows.
    @Test(arguments: [(BatchRows.all, BatchRows.all), (BatchRows.model, BatchRows.real)])
    func termIsTheWeightedGapOverTheChosenRows(down: BatchRows, up: BatchRows) throws {
        let critics = Self.linearCritics()
        var rng = RandomGenerator(seed: 3)
        let actor = TanhGaussianActor(observationDimension: 1, actionDimension: 1, hiddenSizes: [8], rng: &rng)
        let term = ConservativeQTerm(actor: actor, weight: 0.5, temperature: 1, sampledActions: 4, pushDownRows: down, pushUpRows: up)
        term.realRowCount = 2
        var batch = TransitionBatch(batchSize: 5, observationDimension: 1, actionDimension: 1)
        batch.observations = Tensor(shape: [5, 1], scalars: [0.1, 0.2, 0.3, 0.4, 0.5])
        batch.nextObservations = Tensor(shape: [5, 1], scalars: [0.2, 0.3, 0.4, 0.5, 0.6])
        batch.actions = Tensor(shape: [5, 1], scalars: [0.9, -0.5, 0.1, 0.2, 0.3])
        let q = critics(Variable(batch.observations), Variable(batch.actions))
        var metrics = TrainingMetrics()
        var drawRNG = RandomGenerator(seed: 9)
        let loss = term.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &drawRNG).scalar

        var replay = RandomGenerator(seed: 9)
        let downRows = down == .all ? 0..<5 : 2..<5, upRows = up == .all ? 0..<5 : 0..<2
        let (actions, logDensities) = term.proposals(states: batch.observations.slice(downRows), nextStates: batch.nextObservations.slice(downRows),
                                                     rng: &replay)
        #expect(actions.shape == [downRows.count, 12, 1] && logDensities.shape == [downRows.count, 12])
        let a = (0..<downRows.count).map { p in (0..<12).map { Double(actions.scalars[p * 12 + $0]) } }
        let l = (0..<downRows.count).map { p in (0..<12).map { Double(logDensities.scalars[p * 12 + $0]) } }
        for p in 0..<downRows.count {   // the uniform proposal: actions in [−1, 1], density 1/2
            #expect(a[p][8...].allSatisfy { abs($0) <= 1 } && l[p][8...].allSatisfy { abs($0 + Foundation.log(2)) < 1e-6 })
        }
        var expected = 0.0
        for k in Self.slopes {
            let pushUp = upRows.map { k * Double(batch.actions.scalars[$0]) }.reduce(0, +) / Double(upRows.count)
            expected += Self.expectedSoftMaximum(actions: a, logDensities: l, slope: k, temperature: 1) - pushUp
        }
        expected *= 0.5
        #expect(abs(Double(loss) - expected) < 1e-4, "\(loss) vs \(expected)")
        #expect(metrics["cql_gap"] != nil && metrics["cql_push_up"] != nil)
    }

    /// One gradient step on the term alone lowers Q at actions away from the data and raises it at
    /// the data's actions (the sign of eq. (4)'s two parts).
    @Test func aStepPushesOutOfDataValuesDownAndDataValuesUp() throws {
        var rng = RandomGenerator(seed: 4)
        let critics = CriticEnsemble(observationDimension: 1, actionDimension: 1, hiddenSizes: [16, 16], members: 2, rng: &rng)
        let actor = TanhGaussianActor(observationDimension: 1, actionDimension: 1, hiddenSizes: [8], rng: &rng)
        let term = ConservativeQTerm(actor: actor, weight: 1, sampledActions: 10)
        var batch = TransitionBatch(batchSize: 32, observationDimension: 1, actionDimension: 1)
        batch.observations = Tensor.uniform([32, 1], low: -1, high: 1, rng: &rng)
        batch.nextObservations = batch.observations
        batch.actions = Tensor(repeating: 0.8, shape: [32, 1])                   // the data always acts 0.8
        func values(_ action: Float) -> Float {
            critics(Variable(batch.observations), Variable(Tensor(repeating: action, shape: [32, 1]))).value.mean()
        }
        let before = (data: values(0.8), other: values(-0.8))
        let optimizer = SGD(critics.namedParameters(), learningRate: 0.05)
        for _ in 0..<20 {
            var metrics = TrainingMetrics()
            let q = critics(Variable(batch.observations), Variable(batch.actions))
            let loss = term.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
            let grads = gradients(of: loss, withRespectTo: optimizer.parameters)
            for (p, g) in zip(optimizer.parameters, grads) { p.grad = g.value }
            optimizer.step()
            optimizer.zeroGrad()
        }
        let after = (data: values(0.8), other: values(-0.8))
        #expect(after.data > before.data && after.other < before.other, "before \(before), after \(after)")
        #expect(after.data - after.other > before.data - before.other + 0.2, "before \(before), after \(after)")
    }
}
