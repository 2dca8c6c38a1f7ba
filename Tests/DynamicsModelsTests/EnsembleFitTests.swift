import Testing
import TestSupport
import DynamicsModels

@Suite("Ensemble training")
struct EnsembleFitTests {
    @Test("fits a known linear system: holdout MSE below 2× the noise variance")
    func fitsLinearSystem() throws {
        var rng = RandomGenerator(seed: 1)
        let noise: Float = 0.05
        let data = SyntheticData.linear(count: 3000, noise: noise, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: smallConfiguration(maxEpochs: 40),
                                         termination: never(3), rng: &rng)
        var reports = [DynamicsEpochReport]()
        let summary = try data.fit(model, rng: &rng, progress: { reports.append($0) })
        #expect(summary.holdoutCount == 600 && summary.trainCount == 2400)
        #expect(reports.count == summary.epochs && reports.last?.holdoutMeanSquaredErrors.count == 4)
        let bound = 2 * noise * noise
        let eliteErrors = summary.elites.map { summary.holdoutErrors[$0] }
        #expect(eliteErrors.allSatisfy { $0 < bound }, "elite holdout MSEs \(eliteErrors) should be < \(bound)")

        // Fresh data: the sampled next state's mean is the true mean (errors ≈ noise only).
        let test = SyntheticData.linear(count: 500, noise: 0, rng: &rng)
        let step = model.step(test.observations, test.actions, rng: &rng)
        let means = step.memberMeans!
        for e in model.elites {
            let m = means.slice(e..<(e + 1), axis: 0).reshaped([500, 4]).slice(0..<3, axis: 1)
            let mse = (m - test.nextObservations).square().mean()
            #expect(mse < 0.25 * noise * noise, "member \(e) mean error \(mse)")
        }
    }

    @Test("elites are the members with the lowest best holdout error")
    func elitesAreBest() throws {
        var rng = RandomGenerator(seed: 2)
        let data = SyntheticData.linear(count: 1500, noise: 0.1, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                         configuration: smallConfiguration(members: 6, elites: 3, maxEpochs: 6),
                                         termination: never(3), rng: &rng)
        let summary = try data.fit(model, rng: &rng)
        let expected = (0..<6).sorted { summary.holdoutErrors[$0] < summary.holdoutErrors[$1] }.prefix(3)
        #expect(model.elites == Array(expected))
        #expect(summary.elites == model.elites)
        let worstElite = model.elites.map { summary.holdoutErrors[$0] }.max()!
        for e in 0..<6 where !model.elites.contains(e) { #expect(summary.holdoutErrors[e] >= worstElite) }
        // Three distinct elites (that sampling never uses a non-elite member is shown in
        // SamplingTests "non-elite members are never sampled").
        let step = model.step(data.observations.slice(0..<50, axis: 0), data.actions.slice(0..<50, axis: 0), rng: &rng)
        #expect(step.memberMeans!.shape == [6, 50, 4])
        #expect(model.eliteCount == 3 && Set(model.elites).count == 3)
    }

    @Test("early stopping ends training on pure-noise targets")
    func earlyStopping() throws {
        var rng = RandomGenerator(seed: 3)
        let data = SyntheticData.pureNoise(count: 1200, noise: 0.3, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 2, actionDimension: 1,
                                         configuration: smallConfiguration(members: 3, elites: 2, hidden: [16, 16], maxEpochs: 300, batchSize: 128),
                                         termination: never(2), rng: &rng)
        var reports = [DynamicsEpochReport]()
        let summary = try data.fit(model, rng: &rng, progress: { reports.append($0) })
        #expect(summary.stopReason == .noImprovement)
        #expect(summary.epochs < 150, "stopped after \(summary.epochs) epochs")
        #expect(reports.suffix(5).allSatisfy { $0.improvedMembers.isEmpty })
        #expect(reports.last?.epochsSinceUpdate == 5)
    }

    /// A fit holds OpenBLAS at one thread itself, so the count the process has when it starts
    /// does not change its bits (products of 256×200×200 are above OpenBLAS's threading threshold).
    @Test("a fit gives the same bits whatever OpenBLAS thread count the process had")
    func fitIgnoresTheProcessThreadCount() throws {
        let saved = BLASRuntime.threads
        defer { BLASRuntime.threads = saved }
        func fitted(threads: Int) throws -> [String: Tensor] {
            BLASRuntime.threads = threads
            var rng = RandomGenerator(seed: 6)
            let data = SyntheticData.linear(count: 1500, noise: 0.05, rng: &rng)
            let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2,
                                             configuration: smallConfiguration(members: 3, elites: 2, hidden: [200, 200], maxEpochs: 2, batchSize: 256),
                                             termination: never(3), rng: &rng)
            try data.fit(model, rng: &rng)
            return model.network.parameterValues()
        }
        let one = try fitted(threads: 1), two = try fitted(threads: 2)
        #expect(one == two)
    }

    @Test("epoch and wall-time caps stop training")
    func caps() throws {
        var rng = RandomGenerator(seed: 4)
        let data = SyntheticData.linear(count: 800, noise: 0.05, rng: &rng)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: smallConfiguration(maxEpochs: 3),
                                         termination: never(3), rng: &rng)
        let summary = try data.fit(model, rng: &rng)
        #expect(summary.epochs == 3 && summary.stopReason == .maxEpochs)
        var timed = smallConfiguration(maxEpochs: nil)
        timed.maxWallTimeSeconds = 1e-6
        let model2 = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: timed,
                                          termination: never(3), rng: &rng)
        let summary2 = try data.fit(model2, rng: &rng)
        #expect(summary2.epochs == 1 && summary2.stopReason == .maxWallTime)
    }

    @Test("learned standard deviation tracks heteroscedastic noise")
    func heteroscedasticVariance() throws {
        var rng = RandomGenerator(seed: 5)
        let data = SyntheticData.heteroscedastic(count: 12_000, rng: &rng)
        var configuration = smallConfiguration(members: 3, elites: 2, hidden: [64, 64], maxEpochs: 40)
        configuration.batchSize = 32            // many steps per epoch: σ converges before the mean stops improving
        configuration.learningRate = 3e-3
        let model = try DynamicsEnsemble(observationDimension: 1, actionDimension: 1, configuration: configuration,
                                         termination: never(1), rng: &rng)
        try data.fit(model, rng: &rng)
        let xs: [Float] = [-0.8, -0.4, 0, 0.4, 0.8]
        let s = Tensor(shape: [5, 1], scalars: xs), a = Tensor.zeros([5, 1])
        let stds = model.step(s, a, rng: &rng).memberStandardDeviations!   // [3, 5, 2]
        for e in model.elites {
            for (i, x) in xs.enumerated() {
                let predicted = stds[e, i, 0], truth = SyntheticData.trueStd(x)
                #expect(abs(predicted - truth) < 0.25 * truth, "member \(e) at x=\(x): σ \(predicted) vs true \(truth)")
            }
            #expect(stds[e, 4, 0] / stds[e, 0, 0] > 4, "σ should grow about 6.3× from x=-0.8 to 0.8")
            #expect(abs(stds[e, 2, 1] - 0.05) < 0.02, "reward σ \(stds[e, 2, 1]) vs 0.05")
        }
    }

    @Test("same seed gives an identical fit")
    func deterministicFit() throws {
        func run() throws -> (DynamicsFitSummary, [String: Tensor]) {
            var rng = RandomGenerator(seed: 6)
            let data = SyntheticData.linear(count: 700, noise: 0.05, rng: &rng)
            let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: smallConfiguration(maxEpochs: 3),
                                             termination: never(3), rng: &rng)
            return (try data.fit(model, rng: &rng), model.network.parameterValues())
        }
        let (a, pa) = try run(), (b, pb) = try run()
        #expect(a.holdoutErrors == b.holdoutErrors && a.elites == b.elites && a.epochs == b.epochs)
        #expect(pa.keys.sorted() == pb.keys.sorted())
        for key in pa.keys { #expect(pa[key]! == pb[key]!, "\(key) differs") }
    }

    @Test("the deterministic model fits by MSE and reports zero spread")
    func deterministicModel() throws {
        var rng = RandomGenerator(seed: 7)
        let data = SyntheticData.linear(count: 2000, noise: 0.02, rng: &rng)
        var configuration = DynamicsEnsembleConfiguration.deterministic
        configuration.hiddenSizes = [32, 32]
        configuration.weightDecays = [2.5e-5, 5e-5, 1e-4]
        configuration.batchSize = 64
        configuration.maxEpochs = 30
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: configuration,
                                         termination: never(3), rng: &rng)
        let summary = try data.fit(model, rng: &rng)
        #expect(summary.holdoutErrors[0] < 3 * 0.02 * 0.02, "holdout MSE \(summary.holdoutErrors[0])")
        let s = data.observations.slice(0..<8, axis: 0), u = data.actions.slice(0..<8, axis: 0)
        var r1 = RandomGenerator(seed: 1), r2 = RandomGenerator(seed: 2)
        let x = model.step(s, u, rng: &r1), y = model.step(s, u, rng: &r2)
        #expect(x.nextObservations == y.nextObservations && x.rewards == y.rewards)
        #expect(x.memberStandardDeviations! == Tensor.zeros([1, 8, 4]))
    }

    @Test("bad configurations and data are typed errors")
    func errors() throws {
        var rng = RandomGenerator(seed: 8)
        var bad = DynamicsEnsembleConfiguration()
        bad.elites = 9
        #expect(throws: DynamicsModelError.self) {
            _ = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: bad, termination: never(3), rng: &rng)
        }
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: smallConfiguration(),
                                         termination: never(3), rng: &rng)
        let tiny = SyntheticData.linear(count: 4, noise: 0, rng: &rng)
        #expect(throws: DynamicsModelError.notEnoughData(transitions: 4, needed: 6)) { _ = try tiny.fit(model, rng: &rng) }
        #expect(throws: DynamicsModelError.self) {
            try model.fit(observations: tiny.observations, actions: tiny.actions, nextObservations: tiny.observations,
                          rewards: Tensor.zeros([3]), rng: &rng)
        }
    }
}
