import Testing
import TestSupport
import DynamicsModels

/// s' = s + a, r = s, done when s' ≥ 9; one observation, one action.
final class CounterModel: DynamicsModel {
    let observationDimension = 1, actionDimension = 1, eliteCount = 1
    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let next = observations + actions
        let rows = observations.shape[0]
        return ModelStep(nextObservations: next, rewards: observations.reshaped([rows]),
                         terminals: next.reshaped([rows]).map { $0 >= 9 ? 1 : 0 },
                         memberMeans: memberStatistics ? Tensor.zeros([1, rows, 2]) : nil,
                         memberStandardDeviations: memberStatistics ? Tensor.ones([1, rows, 2]) : nil)
    }
    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        fatalError("unused")
    }
}

@Suite("Model rollouts")
struct RolloutTests {
    let stepOne: (Tensor, inout RandomGenerator) -> Tensor = { s, _ in Tensor.ones([s.shape[0], 1]) }

    @Test("terminated rows stop, the horizon is respected", arguments: [1, 2, 100])
    func terminationAndHorizon(chunkSize: Int) {
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 1, actionDimension: 1)
        var rng = RandomGenerator(seed: 0)
        let starts = Tensor(shape: [3, 1], scalars: [0, 5, 8])
        // row 0: 0→1→2→3→4 (4 steps); row 1: 5→…→9, done at step 4; row 2: 8→9, done at step 1.
        let stats = ModelRollout(horizon: 4, chunkSize: chunkSize)
            .run(model: CounterModel(), startObservations: starts, policy: stepOne, into: &buffer, rng: &rng)
        #expect(stats.transitionsAdded == 9 && buffer.count == 9)
        #expect(stats.activeRows == [3, 2, 2, 2])
        #expect(stats.terminatedRows == [1, 0, 0, 1])
        #expect(stats.terminatedFraction == [1.0 / 3, 0, 0, 0.5])
        #expect(stats.meanPenalty == nil)
        #expect(abs(stats.meanReward - Double(0 + 1 + 2 + 3 + 5 + 6 + 7 + 8 + 8) / 9) < 1e-9)
        // Every stored transition is s' = s + 1 with done exactly at 9, and no state beyond a terminal is stored.
        var batch = TransitionBatch(batchSize: 500, observationDimension: 1, actionDimension: 1)
        buffer.sample(into: &batch, rng: &rng)
        var seen = Set<Float>()
        for i in 0..<500 {
            let s = batch.observations[i, 0], next = batch.nextObservations[i, 0]
            #expect(next == s + 1 && batch.rewards[i] == s)
            #expect(batch.terminals[i] == (next >= 9 ? 1 : 0))
            #expect(s < 9)
            seen.insert(s)
        }
        #expect(seen == [0, 1, 2, 3, 5, 6, 7, 8])
    }

    @Test("a penalty is subtracted and reported; the FIFO buffer keeps the last k rollouts")
    func penaltyAndFIFO() {
        let capacity = ModelRollout.modelBufferCapacity(rolloutBatchSize: 2, horizon: 3, retainEpochs: 2)
        #expect(capacity == 12)
        var buffer = ModelRollout.makeModelBuffer(rolloutBatchSize: 2, horizon: 3, retainEpochs: 2,
                                                  observationDimension: 1, actionDimension: 1)
        var rng = RandomGenerator(seed: 1)
        let rollout = ModelRollout(horizon: 3)
        let penalty = MOPOPenalty(coefficient: 0.5)    // CounterModel's σ = (1, 1): u = √2
        for round in 0..<3 {
            let starts = Tensor(shape: [2, 1], scalars: [Float(round) * 0.1, 1])
            let stats = rollout.run(model: CounterModel(), startObservations: starts, policy: stepOne, penalty: penalty,
                                    into: &buffer, rng: &rng)
            #expect(stats.transitionsAdded == 6)
            #expect(abs(stats.meanPenalty! - 2.0.squareRoot()) < 1e-6)
            #expect(abs(stats.meanRawReward - stats.meanReward - 0.5 * 2.0.squareRoot()) < 1e-5)
            #expect(buffer.count == min(6 * (round + 1), 12))
        }
        // The oldest rollout (round 0, states 0, 1, 2 from start 0) is gone; rounds 1 and 2 remain.
        var batch = TransitionBatch(batchSize: 400, observationDimension: 1, actionDimension: 1)
        buffer.sample(into: &batch, rng: &rng)
        for i in 0..<400 { #expect(batch.observations[i, 0] != 0) }
    }

    @Test("rolls a trained ensemble from a real buffer with MOPO, in chunks")
    func ensembleRollout() throws {
        var rng = RandomGenerator(seed: 2)
        let data = SyntheticData.linear(count: 600, noise: 0.05, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                         configuration: smallConfiguration(maxEpochs: 2),
                                         termination: TerminationFunction(name: "box", observationDimension: 3) { o in abs(o[0]) > 1 },
                                         rng: &rng)
        try data.fit(model, rng: &rng)
        var start = ReplayBuffer(capacity: 600, observationDimension: 3, actionDimension: 2)
        var staged = ReplayBuffer(capacity: 600, observationDimension: 3, actionDimension: 2)
        _ = ModelRollout(horizon: 1).run(model: TrueLinear(), startObservations: data.observations,
                                         policy: { s, rng in Tensor.uniform([s.shape[0], 2], low: -1, high: 1, rng: &rng) },
                                         into: &staged, rng: &rng)
        start = staged
        var modelBuffer = ModelRollout.makeModelBuffer(rolloutBatchSize: 50, horizon: 5, retainEpochs: 1,
                                                       observationDimension: 3, actionDimension: 2)
        let policy: (Tensor, inout RandomGenerator) -> Tensor = { s, rng in Tensor.uniform([s.shape[0], 2], low: -1, high: 1, rng: &rng) }
        func run(seed: UInt64) -> (RolloutStatistics, ReplayBuffer) {
            var r = RandomGenerator(seed: seed)
            var buffer = modelBuffer
            let stats = ModelRollout(horizon: 5, chunkSize: 16).run(model: model, from: start, count: 50, policy: policy,
                                                                     penalty: MOPOPenalty(coefficient: 1), into: &buffer, rng: &r)
            return (stats, buffer)
        }
        let (stats, buffer) = run(seed: 9)
        modelBuffer = buffer
        #expect(stats.transitionsAdded == stats.activeRows.reduce(0, +))
        #expect(stats.activeRows[0] == 50 && stats.transitionsAdded <= 250 && modelBuffer.count == stats.transitionsAdded)
        #expect(stats.terminatedRows.reduce(0, +) > 0, "some rows should leave |s₀| ≤ 1")
        #expect(stats.meanPenalty! > 0 && stats.meanReward < stats.meanRawReward)
        let (again, _) = run(seed: 9)
        #expect(again.activeRows == stats.activeRows && again.meanReward == stats.meanReward)
    }
}

/// The noiseless synthetic linear system as a model, to fill a start buffer.
final class TrueLinear: DynamicsModel {
    let observationDimension = 3, actionDimension = 2, eliteCount = 1
    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        let rows = observations.shape[0]
        return ModelStep(nextObservations: observations, rewards: Tensor.zeros([rows]), terminals: Tensor.zeros([rows]))
    }
    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        fatalError("unused")
    }
}
