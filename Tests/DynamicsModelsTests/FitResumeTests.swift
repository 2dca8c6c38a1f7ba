import Foundation
import Testing
import TestSupport
import DynamicsModels

@Suite("Ensemble fit resume")
struct FitResumeTests {
    /// A stand-in for a kill: the checkpoint callback throws once the state after `epoch` is saved.
    struct Stop: Error {}

    func model(_ rng: inout RandomGenerator, maxEpochs: Int) throws -> DynamicsEnsemble {
        try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: smallConfiguration(maxEpochs: maxEpochs),
                             termination: never(3), rng: &rng)
    }

    @Test("a fit stopped after epoch 2 and continued from its saved state equals an uninterrupted fit")
    func resumedFitEqualsUninterrupted() throws {
        var dataRNG = RandomGenerator(seed: 8)
        let data = SyntheticData.linear(count: 600, noise: 0.05, rng: &dataRNG)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        var rng = RandomGenerator(seed: 9)
        let whole = try model(&rng, maxEpochs: 5)
        var saved = [Int]()
        let expected = try data.fit(whole, rng: &rng, checkpoint: { saved.append($0.epoch) })
        #expect(saved == [1, 2, 3, 4], "a state after every epoch that training continues past")

        var first = RandomGenerator(seed: 9)
        let interrupted = try model(&first, maxEpochs: 5)
        let fitStart = first
        #expect(throws: DynamicsModelError.self) {
            _ = try data.fit(interrupted, rng: &first, checkpoint: { state throws(DynamicsModelError) in
                try interrupted.saveFitState(state, to: path)
                if state.epoch == 2 { throw .checkpoint(file: path, problem: "stopped for the test") }
            })
        }

        // A new process: the same construction, then the saved model, optimizer and loop state.
        var second = RandomGenerator(seed: 9)
        let resumed = try model(&second, maxEpochs: 5)
        #expect(second == fitStart)
        let state = try resumed.loadFitState(from: path)
        #expect(state.epoch == 2)
        let summary = try data.fit(resumed, rng: &second, resumingFrom: state)
        #expect(summary.epochs == expected.epochs && summary.elites == expected.elites)
        #expect(summary.holdoutErrors == expected.holdoutErrors)
        let a = whole.network.parameterValues(), b = resumed.network.parameterValues()
        for key in a.keys { #expect(a[key]! == b[key]!, "\(key) differs after resume") }
        #expect(whole.optimizer.stateDictionary() == resumed.optimizer.stateDictionary())
        #expect(rng == second, "the generator continues from the same point")
    }

    @Test("a saved fit state that does not match the data or the model is a typed error")
    func mismatchedState() throws {
        var rng = RandomGenerator(seed: 10)
        let data = SyntheticData.linear(count: 600, noise: 0.05, rng: &rng)
        let other = SyntheticData.linear(count: 900, noise: 0.05, rng: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ensemble = try model(&rng, maxEpochs: 2)
        var state: DynamicsFitState?
        _ = try data.fit(ensemble, rng: &rng, checkpoint: { state = $0 })
        #expect(throws: DynamicsModelError.self) { _ = try other.fit(ensemble, rng: &rng, resumingFrom: state!) }

        try ensemble.save(to: path)    // a finished model, not a fit in progress
        #expect(throws: DynamicsModelError.self) { _ = try ensemble.loadFitState(from: path) }
    }
}
