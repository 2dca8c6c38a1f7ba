import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import Baselines

/// RAMBO's model update (its sign, and the plain MLE step without the adversarial term), its
/// recipe, and its run with the model trained between updates, killed and resumed exactly.
/// Serialized: one test sets the process-wide ``StopRequest``.
@Suite("RAMBO: the adversarial model update, recipe and resume", .serialized)
struct RAMBOTests {
    /// A small untrained probabilistic ensemble (2-D states, 1-D actions), the same for a seed.
    static func ensemble(seed: UInt64, weightDecays: [Float] = [2.5e-5, 5e-5, 1e-4]) throws -> DynamicsEnsemble {
        var rng = RandomGenerator(seed: seed)
        let never = TerminationFunction(name: "never", observationDimension: 2) { _ in false }
        return try DynamicsEnsemble(observationDimension: 2, actionDimension: 1,
                                    configuration: DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 3, elites: 2,
                                                                                 weightDecays: weightDecays),
                                    termination: never, rng: &rng)
    }

    /// Random transitions of the ensemble's widths: a real batch, or starts for a rollout.
    static func batch(rows: Int, seed: UInt64) -> TransitionBatch {
        var rng = RandomGenerator(seed: seed)
        var b = TransitionBatch(batchSize: rows, observationDimension: 2, actionDimension: 1)
        b.observations = Tensor.normal([rows, 2], rng: &rng)
        b.actions = Tensor.uniform([rows, 1], low: -1, high: 1, rng: &rng)
        b.nextObservations = b.observations + 0.1 * Tensor.normal([rows, 2], rng: &rng)
        b.rewards = Tensor.normal([rows], rng: &rng)
        return b
    }

    /// The model's rollout of `starts` (one sampled step) and the normalised advantages under a
    /// fixed critic that values next states by their first coordinate: V(s') = s'₀, Q = 0, r ignored.
    static func rollout(_ model: DynamicsEnsemble, from starts: TransitionBatch) -> (TransitionBatch, Tensor) {
        var rng = RandomGenerator(seed: 3)
        let step = model.step(starts.observations, starts.actions, memberStatistics: false, rng: &rng)
        var rollout = starts
        rollout.nextObservations = step.nextObservations
        rollout.rewards = step.rewards
        let rows = starts.observations.shape[0]
        let firstCoordinate = Tensor(step.nextObservations.scalars.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        let advantages = AdversarialModelUpdate.normalizedAdvantages(
            rewards: Tensor.zeros([rows]), terminals: Tensor.zeros([rows]), nextValues: firstCoordinate,
            baseline: Tensor.zeros([rows]), discount: 1)
        return (rollout, advantages)
    }

    /// The elites' mean prediction of s'₀ over `starts`.
    static func predictedFirstCoordinate(_ model: DynamicsEnsemble, _ starts: TransitionBatch) -> Double {
        var rng = RandomGenerator(seed: 0)
        let means = model.step(starts.observations, starts.actions, memberStatistics: true, rng: &rng).memberMeans!   // [E, B, 3]
        let rows = starts.observations.shape[0], width = means.shape[2], values = means.scalars
        var sum = 0.0
        for e in model.elites { for b in 0..<rows { sum += Double(values[(e * rows + b) * width]) } }
        return sum / Double(model.elites.count * rows)
    }

    @Test func anAdversarialStepLowersTheValueOfTheModelsTransitions() throws {
        let starts = Self.batch(rows: 128, seed: 1), real = Self.batch(rows: 64, seed: 2)
        let before = Self.predictedFirstCoordinate(try Self.ensemble(seed: 7), starts)
        func afterOneStep(weight: Float) throws -> (predicted: Double, metrics: TrainingMetrics) {
            let model = try Self.ensemble(seed: 7)
            let (rollout, advantages) = Self.rollout(model, from: starts)
            let update = try AdversarialModelUpdate(ensemble: model, learningRate: 1e-3, adversarialWeight: weight)
            let metrics = update.step(rollout: rollout, advantages: advantages, real: real)
            return (Self.predictedFirstCoordinate(model, starts), metrics)
        }
        let plain = try afterOneStep(weight: 0), adversarial = try afterOneStep(weight: 100)
        // The critic likes a high s'₀: the adversary moves the predicted s'₀ down, below where the
        // likelihood step alone takes it.
        #expect(adversarial.predicted < before && adversarial.predicted < plain.predicted,
                "before \(before), MLE step \(plain.predicted), adversarial step \(adversarial.predicted)")
        // Â is normalised and the adversarial loss correlates it with the samples' likelihood.
        #expect(adversarial.metrics["rambo_adversarial_loss"].map { $0.isFinite } == true)
        #expect(plain.metrics["rambo_model_loss"] == plain.metrics["rambo_mle_loss"])
    }

    @Test func withoutTheAdversarialTermTheStepIsTheEnsemblesLikelihoodStep() throws {
        let starts = Self.batch(rows: 32, seed: 1), real = Self.batch(rows: 64, seed: 2)
        let model = try Self.ensemble(seed: 7), reference = try Self.ensemble(seed: 7)
        let (rollout, advantages) = Self.rollout(model, from: starts)
        let update = try AdversarialModelUpdate(ensemble: model, learningRate: model.configuration.learningRate, adversarialWeight: 0)
        update.step(rollout: rollout, advantages: advantages, real: real)

        // The fit's step on the same rows for every member (inputs normalised by the scaler, here
        // the identity of an unfitted model; targets [s' − s, r]).
        let members = reference.configuration.members, rows = 64
        func shared(_ t: Tensor) -> Tensor {
            Tensor.concatenate(Array(repeating: t.reshaped([1, rows, t.shape[1]]), count: members), axis: 0)
        }
        let inputs = Tensor.concatenate([real.observations, real.actions], axis: 1)
        let targets = Tensor.concatenate([real.nextObservations - real.observations, real.rewards.reshaped([rows, 1])], axis: 1)
        reference.trainStep(inputs: shared(inputs), targets: shared(targets))

        let updated = model.network.parameterValues(), expected = reference.network.parameterValues()
        #expect(updated.keys.sorted() == expected.keys.sorted())
        for (name, value) in expected {
            let difference = zip(value.scalars, updated[name]!.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(difference < 1e-6, "\(name) differs by \(difference)")
        }
        // And the step changed something (the comparison is not between two untouched models).
        #expect(expected != (try Self.ensemble(seed: 7)).network.parameterValues())
    }

    /// The step adds the L2 term's gradient outside the graph; it must equal Adam on eq. (6)'s whole
    /// loss with ½λ‖W‖² inside it, as `rambo.py` builds it (decays large enough that a missing term shows).
    @Test func theDecayOutsideTheGraphIsKitsLossStep() throws {
        let decays: [Float] = [0.5, 1, 2]
        let starts = Self.batch(rows: 32, seed: 1), real = Self.batch(rows: 64, seed: 2)
        let model = try Self.ensemble(seed: 7, weightDecays: decays), reference = try Self.ensemble(seed: 7, weightDecays: decays)
        let (rollout, advantages) = Self.rollout(model, from: starts)
        let update = try AdversarialModelUpdate(ensemble: model, learningRate: 1e-3, adversarialWeight: 10)
        let kit = try AdversarialModelUpdate(ensemble: reference, learningRate: 1e-3, adversarialWeight: 10)
        for _ in 0..<3 {     // several steps: Adam's first sees only the gradient's sign
            let metrics = update.step(rollout: rollout, advantages: advantages, real: real)
            let adversarial = (kit.logLikelihood(observations: rollout.observations, actions: rollout.actions,
                                                 nextObservations: rollout.nextObservations, rewards: rollout.rewards)
                               * Variable(advantages)).mean()
            let whole = adversarial * kit.adversarialWeight
                + kit.maximumLikelihoodLoss(observations: real.observations, actions: real.actions,
                                            nextObservations: real.nextObservations, rewards: real.rewards)
            #expect(isClose(Float(metrics["rambo_model_loss"]!), whole.scalar, rtol: 1e-5))
            kit.optimizer.minimize(whole)
        }
        for (name, value) in reference.network.parameterValues() {
            #expect(isClose(model.network.parameterValues()[name]!, value, rtol: 1e-5, atol: 1e-6), "\(name)")
        }
    }

    @Test func theRecipeCarriesKitsSettings() throws {
        let hopper = try BaselineRunTests.registry.configuration(algorithm: "rambo", dataset: "hopper-medium-v2", preset: .paper)
        #expect(hopper.totalSteps == 2_000_000 && hopper.rolloutInterval == 250 && hopper.realRatio == 0.5 && !hopper.cosineActorSchedule)
        #expect(hopper.dynamics.learningRate == 3e-4 && hopper.dynamics.holdoutRatio == 0.1 && hopper.dynamics.maxEpochsSinceUpdate == 10)
        #expect(hopper.modelBufferCapacity == 5_000_000)   // Kit: 1000/250 · 5 epochs · 50,000 states · h 5
        #expect(hopper.sac.standardizeObservations)         // Kit: real_buffer.normalize_obs()
        let settings = try #require(try hopper.plugInSettings("rambo", as: RAMBOSettings.self))
        #expect(settings.adversarialWeight == 3e-4 && settings.adversarialSteps == 1000 && settings.adversarialInterval == 1000
                && settings.adversarialRolloutLength == 5 && settings.behaviorCloningEpochs == 50 && !settings.includeEntropyInAdvantage)
        let walker = try BaselineRunTests.registry.configuration(algorithm: "rambo", dataset: "walker2d-medium-expert-v2", preset: .short)
        #expect(walker.rolloutHorizon == 2 && walker.totalSteps == 50_000)
        #expect(try walker.plugInSettings("rambo", as: RAMBOSettings.self)?.adversarialRolloutLength == 2)
        #expect(RAMBO.task(for: "walker2d-medium-orl") == RAMBO.Task(rolloutHorizon: 5, adversarialWeight: 0))
    }

    /// RAMBO shrunk for a unit-test run: an adversarial phase of 10 steps every 50 updates.
    static func tiny(dataset: String, steps: Int) throws -> OfflineTrainingConfiguration {
        var c = try BaselineRunTests.tiny("rambo", dataset: dataset, steps: steps)
        var settings = try #require(try c.plugInSettings("rambo", as: RAMBOSettings.self))
        settings.adversarialInterval = 50
        settings.adversarialSteps = 10
        settings.adversarialBatchSize = 32
        settings.adversarialRolloutLength = 3
        settings.behaviorCloningEpochs = 2
        settings.behaviorCloningBatchSize = 32
        settings.adversarialWeight = 0.1
        c.setPlugInSettings("rambo", settings)
        return c
    }

    @Test func runsWithTheModelTrainedBetweenUpdatesAndResumesExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        let config = try Self.tiny(dataset: data, steps: 300)
        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false,
                                      registry: BaselineRunTests.registry)
        let fitted = try #require(full.learnedModel as? DynamicsEnsemble).network.parameterValues()
        try full.run()
        let trained = try #require(full.learnedModel as? DynamicsEnsemble)
        #expect(trained.network.parameterValues() != fitted, "the adversarial phases changed the model")
        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("full"))
        #expect(rows.allSatisfy { $0["rambo_adversarial_loss"]?.isFinite == true && $0["rambo_mle_loss"]?.isFinite == true })
        // final.h5 keeps the adversarially trained model beside the agent (Kit saves it too).
        var copyRNG = RandomGenerator(seed: 99)
        let copy = try DynamicsEnsemble(observationDimension: trained.observationDimension, actionDimension: trained.actionDimension,
                                        configuration: trained.configuration,
                                        termination: TerminationFunction(name: "never", observationDimension: trained.observationDimension) { _ in false },
                                        rng: &copyRNG)
        #expect(copy.network.parameterValues() != trained.network.parameterValues())
        try Checkpoint.load(from: full.finalAgentPath, parts: ["rambo_dynamics": (copy.network, nil)])   // RAMBOPlugIn.checkpointPart
        #expect(copy.network.parameterValues() == trained.network.parameterValues())

        let killed = dir.url.appendingPathComponent("killed")
        let resumed = try BaselineRunTests.killedAndResumed(config, in: killed)
        #expect(BaselineRunTests.parameters(resumed.learner) == BaselineRunTests.parameters(full.learner))
        let resumedModel = try #require(resumed.learnedModel as? DynamicsEnsemble)
        #expect(resumedModel.network.parameterValues() == trained.network.parameterValues())
        #expect(resumed.evaluations == full.evaluations)
        let strip = { (row: [String: Double]) in row.filter { $0.key != "wall_seconds" } }
        #expect(try TrainingLog.readRows(directory: killed).map(strip) == rows.map(strip))
    }

    /// A stop requested during the behaviour cloning (minutes on a D4RL-sized dataset) ends the run
    /// there, before its first update, instead of after cloning and one update; run again, it clones
    /// from the start and ends equal to an uninterrupted run.
    @Test func aStopDuringBehaviourCloningEndsItAndTheRunResumesExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup(); StopRequest.clear() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        let config = try Self.tiny(dataset: data, steps: 100)
        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false,
                                      registry: BaselineRunTests.registry)
        try full.run()

        let stopped = dir.url.appendingPathComponent("stopped")
        var trainer: OfflineTrainer? = try OfflineTrainer(configuration: config, directory: stopped, resume: false,
                                                          registry: BaselineRunTests.registry)
        StopRequest.request()
        #expect(throws: OfflineTrainingError.stopRequested(step: 0)) { try trainer!.run() }
        #expect(trainer!.step == 0)
        trainer = nil   // releases the run directory's lock, as the process's exit would
        StopRequest.clear()
        let resumed = try OfflineTrainer(configuration: config, directory: stopped, resume: true, registry: BaselineRunTests.registry)
        try resumed.run()
        #expect(BaselineRunTests.parameters(resumed.learner) == BaselineRunTests.parameters(full.learner))
        #expect(resumed.evaluations == full.evaluations)
    }

    @Test func aRunWithoutAFittedEnsembleIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        var c = try Self.tiny(dataset: data, steps: 100)
        c.dynamicsSource = .noModel
        c.realRatio = 1
        let error = #expect(throws: OfflineTrainingError.self) {
            _ = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run"), resume: false,
                                   registry: BaselineRunTests.registry)
        }
        #expect(error?.reason.contains("rambo trains the fitted dynamics ensemble") == true)
        var bad = c
        bad.plugIns["rambo"] = .object(["adversarialWeight": .number(-1)])
        #expect(throws: OfflineTrainingError.self) { try BaselineRunTests.registry.makePlugIns(for: bad) }
    }
}
