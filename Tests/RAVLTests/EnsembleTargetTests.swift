import Testing
import TestSupport
import RAVL

@Suite("Minimum-over-ensemble target")
struct EnsembleTargetTests {
    /// y = r + γ(1 − d)(minᵢ Q̄ᵢ(s', a') − α log π(a'|s')) with the reference-vector ensemble as target critics.
    /// The action rows of the first layer are zeroed, so Q̄ᵢ(s', a') = Q̄ᵢ(s', 0) whatever a' the
    /// policy samples; the minimum is computed by hand from the Double reference.
    @Test func minimumTargetMatchesHandComputation() {
        var (reference, _, _) = ReferenceCritics.testVector()
        for n in 0..<3 { for i in 2..<4 { reference.weights[0][n][i] = [Double](repeating: 0, count: 5) } }
        var config = SACConfiguration()
        config.hiddenSizes = [5, 5]
        config.critics = 3
        var rng = RandomGenerator(seed: 3)
        let agent = SACAgent(observationDimension: 2, actionDimension: 2, configuration: config, rng: &rng)
        reference.load(into: agent.targetCritics)

        let next: [[Double]] = [[0.3, -0.2], [-0.5, 0.4], [1.0, 0.1]]
        var batch = TransitionBatch(batchSize: 3, observationDimension: 2, actionDimension: 2)
        batch.nextObservations = Tensor(shape: [3, 2], scalars: next.flatMap { $0 }.map(Float.init))
        batch.rewards = Tensor([1, -2, 0.5])
        batch.terminals = Tensor([0, 0, 1])

        // By hand: the three members' values at (s', 0), their minimum, then the Bellman target.
        let rewards = [1.0, -2.0, 0.5], done = [0.0, 0.0, 1.0]
        var expected = [Double]()
        for b in 0..<3 {
            let values = (0..<3).map { reference.forward($0, next[b] + [0, 0]).q }
            #expect(Set(values).count == 3)             // the members disagree, so the minimum matters
            expected.append(rewards[b] + 0.99 * (1 - done[b]) * values.min()!)
        }
        var targetRNG = RandomGenerator(seed: 9)
        let y = agent.criticTargets(batch, alpha: 0, rng: &targetRNG).scalars
        for b in 0..<3 { #expect(abs(Double(y[b]) - expected[b]) < 1e-5, "row \(b): \(y[b]) vs \(expected[b])") }
        #expect(y[2] == 0.5)                            // terminal: the reward only

        // The entropy term: −γ(1 − d)·α·log π(a'|s') with the same a' draw.
        var withAlpha = RandomGenerator(seed: 9), draw = RandomGenerator(seed: 9)
        let ySoft = agent.criticTargets(batch, alpha: 0.5, rng: &withAlpha).scalars
        let logProb = agent.actor.sampleWithLogProb(batch.nextObservations, rng: &draw).logProb.scalars
        for b in 0..<3 {
            let entropyPart = -0.99 * (1 - done[b]) * 0.5 * Double(logProb[b])
            #expect(abs(Double(ySoft[b] - y[b]) - entropyPart) < 1e-4)
        }
    }
}
