import Foundation
import Testing
import TestSupport
import DynamicsModels

@Suite("Sampling, checkpoints and the MOPO penalty")
struct SamplingTests {
    static func trainedModel(seed: UInt64, epochs: Int = 2) throws -> (DynamicsEnsemble, SyntheticData) {
        var rng = RandomGenerator(seed: seed)
        let data = SyntheticData.linear(count: 600, noise: 0.05, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                         configuration: smallConfiguration(members: 5, elites: 3, maxEpochs: epochs),
                                         termination: never(3), rng: &rng)
        try data.fit(model, rng: &rng)
        return (model, data)
    }

    @Test("evaluating only the chosen member gives the same sample as evaluating all")
    func chosenMemberPath() throws {
        let (model, data) = try Self.trainedModel(seed: 10)
        let s = data.observations.slice(0..<300, axis: 0), a = data.actions.slice(0..<300, axis: 0)
        var r1 = RandomGenerator(seed: 3), r2 = RandomGenerator(seed: 3)
        let all = model.step(s, a, memberStatistics: true, rng: &r1)
        let chosen = model.step(s, a, memberStatistics: false, rng: &r2)
        #expect(chosen.memberMeans == nil)
        #expect(maxAbsDifference(all.nextObservations, chosen.nextObservations) <= 1e-5)
        #expect(maxAbsDifference(all.rewards, chosen.rewards) <= 1e-5)
        #expect(r1 == r2)
        // Each sample lies within a few σ of some elite's mean and never only near a non-elite's.
        let means = all.memberMeans!, stds = all.memberStandardDeviations!
        for b in 0..<300 {
            let z = model.elites.map { e in (0..<3).map { j in abs(all.nextObservations[b, j] - means[e, b, j]) / stds[e, b, j] }.max()! }
            #expect(z.min()! < 6)
        }
    }

    /// Non-elite members made unmistakable (their predicted Δs and reward shifted by +100): no
    /// sample of `step` (with or without member statistics) and no `sampleElites` draw ever comes
    /// from them, while their reported means show the shift.
    @Test("non-elite members are never sampled")
    func nonElitesAreNeverSampled() throws {
        let (model, data) = try Self.trainedModel(seed: 12)
        let outputLayer = model.network.network.layers.count - 1
        let key = "network.layers.\(outputLayer).bias"
        var bias = try #require(model.network.parameterValues()[key])
        let members = 5, perMember = bias.count / members, target = 4   // Δs (3) and r, then log-variances
        let nonElites = (0..<members).filter { !model.elites.contains($0) }
        #expect(nonElites.count == 2)
        bias.withUnsafeMutableBufferPointer { b in
            for e in nonElites { for j in 0..<target { b[e * perMember + j] += 100 } }
        }
        model.network.update(parameters: [key: bias])

        let s = data.observations.slice(0..<400, axis: 0), a = data.actions.slice(0..<400, axis: 0)
        var rng = RandomGenerator(seed: 4)
        for statistics in [true, false] {
            let step = model.step(s, a, memberStatistics: statistics, rng: &rng)
            #expect((step.nextObservations - s).abs().max() < 50)
            #expect(step.rewards.abs().max() < 50)
            if statistics {
                let means = try #require(step.memberMeans)
                for e in nonElites { #expect(means[e, 0, 0] - s[0, 0] > 50) }   // the shift is real
            }
        }
        let draws = model.sampleElites(s, a, samples: 5, rng: &rng)
        #expect(draws.nextObservations.shape == [5, 3, 400, 3])
        #expect(draws.rewards.abs().max() < 50)
        let next = draws.nextObservations.reshaped([5 * 3, 400, 3])
        for k in 0..<15 { #expect((next.slice(k..<(k + 1), axis: 0).reshaped([400, 3]) - s).abs().max() < 50) }
    }

    @Test("sampleElites returns [samples, elites, B, obs] around the elites' means")
    func eliteSamples() throws {
        let (model, data) = try Self.trainedModel(seed: 11)
        let s = data.observations.slice(0..<40, axis: 0), a = data.actions.slice(0..<40, axis: 0)
        var rng = RandomGenerator(seed: 4)
        let samples = model.sampleElites(s, a, samples: 200, rng: &rng)
        #expect(samples.nextObservations.shape == [200, 3, 40, 3] && samples.rewards.shape == [200, 3, 40])
        let step = model.step(s, a, rng: &rng)
        let average = samples.nextObservations.mean(axis: 0)   // [3, 40, 3]
        for (k, e) in model.elites.enumerated() {
            for b in 0..<40 {
                for j in 0..<3 {
                    let m = step.memberMeans![e, b, j], sd = step.memberStandardDeviations![e, b, j]
                    #expect(abs(average[k, b, j] - m) < 5 * sd / Float(200).squareRoot() + 1e-5)
                }
            }
        }
    }

    @Test("save then load gives identical predictions, scaler, elites and bounds")
    func checkpointRoundTrip() throws {
        let (model, data) = try Self.trainedModel(seed: 12, epochs: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dyn-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        var other = RandomGenerator(seed: 999)
        let loaded = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                          configuration: smallConfiguration(members: 5, elites: 3, maxEpochs: 3),
                                          termination: never(3), rng: &other)
        #expect(loaded.network.inputMean.value != model.network.inputMean.value)
        try loaded.load(from: path)
        #expect(loaded.elites == model.elites)
        #expect(loaded.network.inputStd.value == model.network.inputStd.value)
        #expect(loaded.network.maxLogVariance.value == model.network.maxLogVariance.value)
        let s = data.observations.slice(0..<64, axis: 0), a = data.actions.slice(0..<64, axis: 0)
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let x = model.step(s, a, rng: &r1), y = loaded.step(s, a, rng: &r2)
        #expect(x.nextObservations == y.nextObservations && x.rewards == y.rewards)
        #expect(x.memberStandardDeviations! == y.memberStandardDeviations!)

        let wrong = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                         configuration: smallConfiguration(members: 4, elites: 3),
                                         termination: never(3), rng: &other)
        #expect(throws: DynamicsModelError.self) { try wrong.load(from: path) }
    }

    @Test("MOPO penalty: max over all members of the σ norm, by hand")
    func mopoPenalty() {
        // Two members, two rows, D = 2.
        let stds = Tensor(shape: [2, 2, 2], scalars: [3, 4,   1, 1,      // member 0: row 0 ‖(3,4)‖ = 5, row 1 √2
                                                      0, 1,   6, 8])     // member 1: row 0 1, row 1 10
        let u = MOPOPenalty.maximumStandardDeviationNorm(stds)
        #expect(u == Tensor([5, 10]))
        let step = ModelStep(nextObservations: Tensor.zeros([2, 1]), rewards: Tensor([1, 2]), terminals: Tensor.zeros([2]),
                             memberMeans: Tensor.zeros([2, 2, 2]), memberStandardDeviations: stds)
        let mopo = MOPOPenalty(coefficient: 0.5)
        var penalized = step.rewards
        penalized.addScaled(mopo.penalty(for: step), alpha: -mopo.coefficient)
        #expect(penalized == Tensor([1 - 2.5, 2 - 5]))
    }
}
