import Foundation
import PolicyLearning
@_exported import OfflineTestSupport

/// A two-dimensional stand-in model with known outputs: s' = s + a·1, reward and member
/// standard deviations fixed by the test, terminal where `done` says.
final class StubModel: DynamicsModel {
    let observationDimension = 2
    let actionDimension = 1
    var eliteCount: Int { eliteNextObservations?.shape[1] ?? 1 }
    /// Every row's model reward.
    var reward: Float = 10
    /// Member standard deviations per row, `[E, D]` (broadcast over rows), D = obs + 1.
    var memberStds = Tensor(shape: [2, 3], scalars: [3, 4, 0, 1, 1, 0])
    /// Terminal when the next observation's first entry exceeds this.
    var terminalAbove: Float = .infinity
    /// What ``sampleElites`` returns, `[N, K, B, obs]`.
    var eliteNextObservations: Tensor?

    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let b = observations.shape[0]
        let next = observations + Tensor.concatenate([actions, actions], axis: 1)
        let done = next.scalars.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element > terminalAbove ? Float(1) : 0 }
        let e = memberStds.shape[0], d = memberStds.shape[1]
        let stds = Tensor(shape: [e, b, d]) { out in
            for m in 0..<e { for row in 0..<b { for j in 0..<d { out[(m * b + row) * d + j] = memberStds.scalars[m * d + j] } } }
        }
        return ModelStep(nextObservations: next, rewards: Tensor(repeating: reward, shape: [b]), terminals: Tensor(done),
                         memberMeans: memberStatistics ? Tensor.zeros([e, b, d]) : nil,
                         memberStandardDeviations: memberStatistics ? stds : nil)
    }

    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        let next = eliteNextObservations!
        precondition(next.shape[0] == samples && next.shape[2] == observations.shape[0])
        return EliteSamples(nextObservations: next, rewards: Tensor.zeros([samples, next.shape[1], next.shape[2]]))
    }
}
