import Foundation
import Testing
import TestSupport
import OfflineRL

/// MOPO with a probabilistic ensemble fitted on the corridor data (``FittedCorridorModel``)
/// instead of the exact model. The fit smears the far end's reward of 10 over the states just
/// before it (a mean of about 2 for a standing step at p ≈ 2.8, with σ ≈ 2): MBPO learns to stand
/// there collecting it, never reaching an end in the real task, while MOPO's penalty
/// (λ = 0.5 · max σ) removes the error and reaches the far end.
@Suite("Learning checks: a fitted model")
struct FittedModelCorridorTests {
    @Test func mopoBeatsThePoorBehaviourPolicyWithAFittedModelThatMisleadsMBPO() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 150, seed: 11)
        #expect(behaviour > 3 && behaviour < 7)
        let model = try FittedCorridorModel(fittingOn: try D4RLFile.load(path: path).dynamicsTransitions(), seed: 3)

        let mbpo = try OfflineCorridorTests.train(try OfflineCorridorTests.configuration("mbpo", dataset: path, steps: 3000), model: model, in: dir)
        let misled = try #require(mbpo.evaluations.last).result
        #expect(misled.mean <= 4, "MBPO should exploit the fit's reward error: \(misled.returns)")   // the error is real

        var c = try OfflineCorridorTests.configuration("mopo", dataset: path, steps: 3000)
        c.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: 0.5))
        let mopo = try #require(try OfflineCorridorTests.train(c, model: model, in: dir).evaluations.last).result
        #expect(mopo.mean >= behaviour + 3 && mopo.mean >= 9, "MOPO: behaviour \(behaviour), learned \(mopo.returns)")
    }
}
