import Foundation
import Testing
import TestSupport
import OfflineRL

/// RAMBO trains the ensemble inside the corridor model (its exact termination flags stay).
extension FittedCorridorModel: EnsembleBackedModel {}

/// RAMBO on the corridor: trained by ``OfflineTrainer`` on the 60 random episodes of the other
/// baseline checks (mean return about 5.2), with a probabilistic ensemble fitted on them
/// (``FittedCorridorModel``; RAMBO needs a model it can train), it must beat the behaviour policy
/// by the margin the other offline checks use (≥ behaviour + 3 and ≥ 9 of the optimal 10).
/// Deviations from the recipe, for a seconds-long run on a task whose returns are 0–10: an
/// adversarial phase of 100 model steps (batches of 128, Adam lr 1e-3) every 250 updates, 5 epochs
/// of behaviour cloning, and λ = 0.1. λ sets how pessimistic the model becomes: on this data and
/// fit λ = 0 and 0.1 reach the far end; λ = 1 pushes the far end's predicted value down until the
/// policy settles for the near one (return 4), and with λ = 0.1 one fit in five (seeds 3–7) leaves
/// the policy dithering.
@Suite("Learning checks: RAMBO")
struct RAMBOCorridorTests {
    @Test func beatsThePoorBehaviourPolicyWhileTrainingItsModelAdversarially() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        let model = try FittedCorridorModel(fittingOn: try D4RLFile.load(path: path).dynamicsTransitions(), seed: 3)
        let fitted = model.ensemble.network.parameterValues()

        var c = try OfflineCorridorTests.configuration("rambo", dataset: path, steps: 3000)
        var settings = try #require(try c.plugInSettings("rambo", as: RAMBOSettings.self))
        settings.adversarialWeight = 0.1
        settings.adversarialInterval = 250
        settings.adversarialSteps = 100
        settings.adversarialBatchSize = 128
        settings.adversarialLearningRate = 1e-3
        settings.behaviorCloningEpochs = 5
        settings.behaviorCloningBatchSize = 128
        c.setPlugInSettings("rambo", settings)
        let trainer = try OfflineCorridorTests.train(c, model: model, in: dir)

        #expect(model.ensemble.network.parameterValues() != fitted, "the adversarial phases train the model")
        let learned = try #require(trainer.evaluations.last).result
        #expect(learned.mean >= behaviour + 3 && learned.mean >= 9, "rambo: behaviour \(behaviour), learned \(learned.returns)")
    }
}
