import Foundation
import Testing
import TestSupport
import LipschitzCritics

@Suite("Lipschitz plug-in: settings, recipe, diagnostics, trainer")
struct PlugInTests {
    /// Missing keys take the documented defaults; unknown keys and bad values give errors naming the field.
    @Test func settingsResolveWithDefaultsAndRejectBadInput() throws {
        let json = #"{"adversarialNoise": {"epsilon": 0.1}, "gradientPenalty": {}}"#
        let layer = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        let settings = try LipschitzSettings.resolved(overrides: [layer])
        #expect(settings.adversarialNoise == AdversarialNoiseSettings(epsilon: 0.1, attack: .pgd, steps: 3, weight: 1))
        #expect(settings.gradientPenalty == GradientPenaltySettings(weight: 10, target: 1, sides: .one, points: .interpolates))
        #expect(settings.diagnostics.batchSize == 1000)
        #expect(try LipschitzSettings.resolved(overrides: [.object([:])]) == LipschitzSettings())
        #expect(throws: SettingsError.unknownKey(path: "adversarialNoise.epsilom", known: ["attack", "detachClean", "epsilon", "randomStart", "steps", "stepSize", "weight"].sorted())) {
            _ = try LipschitzSettings.resolved(overrides: [.object(["adversarialNoise": .object(["epsilom": .number(1)])])])
        }

        func message(_ s: LipschitzSettings) -> String {
            do { try s.validate(); return "" } catch { return error.description }
        }
        #expect(message(LipschitzSettings(adversarialNoise: AdversarialNoiseSettings(epsilon: -1))).contains("adversarialNoise: epsilon"))
        #expect(message(LipschitzSettings(gradientPenalty: GradientPenaltySettings(weight: .nan))).contains("gradientPenalty: weight"))
        #expect(throws: SettingsError.self) {
            _ = try LipschitzSettings.resolved(overrides: [.object(["gradientPenalty": .object(["sides": .string("three")])])])
        }

        // The critic's spectral normalization is a SAC setting, checked with the configuration.
        func configurationMessage(_ sn: CriticSpectralNormalization) -> String {
            var c = OfflineTrainingConfiguration()
            c.sac.criticSpectralNorm = sn
            do { try c.validate(); return "" } catch { return error.description }
        }
        #expect(configurationMessage(CriticSpectralNormalization(layers: [3])).contains("layer index 3 is out of range"))
        #expect(configurationMessage(CriticSpectralNormalization(scale: 0)).contains("sac.criticSpectralNorm: scale must be"))
    }

    /// lipschitz-mopo: MOPO's per-task settings with one Gaussian member and a normalised critic.
    @Test func recipeAndFactory() throws {
        let c = try LipschitzMOPORecipe().configuration(dataset: "halfcheetah-medium-orl", preset: .short)
        #expect(c.algorithm == "lipschitz-mopo")
        #expect(c.dynamics.members == 1 && c.dynamics.elites == 1 && c.dynamics.probabilistic)
        let mopo = try MOPO().configuration(dataset: "halfcheetah-medium-orl", preset: .short)
        #expect(c.plugIns["mopo"] == mopo.plugIns["mopo"] && c.rolloutHorizon == mopo.rolloutHorizon)
        let settings = try #require(try c.plugInSettings(LipschitzSettings.key, as: LipschitzSettings.self))
        #expect(settings == .zheng2023)
        #expect(c.sac.criticSpectralNorm?.scale == LipschitzMOPORecipe.defaultScale)
        #expect(try LipschitzPlugInFactory().makePlugIn(configuration: c) is LipschitzPlugIn)
    }

    /// The upper bound Πₗ‖Wₗ‖ equals c³ for a fully normalised critic, and bounds the empirical
    /// constant; for a linear critic both equal ‖w‖.
    @Test func estimatesBoundEachOther() throws {
        let (o, a) = Fixture.batch(rows: 50)
        let normalized = Fixture.critics(members: 4, hidden: [8, 8], spectralNorm: CriticSpectralNormalization(scale: 2),
                                         seed: 31)
        for layer in normalized.spectralNormLayers { layer.warmUp(iterations: 500) }
        let estimate = try LipschitzEstimate(critics: normalized, observations: o, actions: a)
        for (bound, empirical) in zip(estimate.upperBounds, estimate.empirical) {
            #expect(Swift.abs(bound - 8) < 1e-3)
            #expect(empirical <= bound + 1e-4 && empirical > 0)
        }
        let linear = Fixture.critics(members: 1, hidden: [], seed: 32)
        let w = (linear.network.layers[0] as! EnsembleLinear).weight.value.norm()
        let exact = try LipschitzEstimate(critics: linear, observations: o, actions: a)
        #expect(isClose(Float(exact.upperBounds[0]), w, rtol: 1e-4) && isClose(Float(exact.empirical[0]), w, rtol: 1e-4))
        #expect(Set(exact.columns.keys) == ["lipschitz_upper_max", "lipschitz_upper_mean", "lipschitz_empirical_max",
                                           "lipschitz_empirical_mean", "lipschitz_empirical_state_max", "critic_input_grad_norm_mean"])
    }

    /// The module with diagnostics only logs the estimates and trains exactly as plain MOPO.
    @Test func diagnosticsOnlyDoesNotChangeTraining() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data)
        var plain = Self.tinyConfiguration(dataset: data)
        plain.totalSteps = 200
        var diagnosed = plain
        diagnosed.setPlugInSettings(LipschitzSettings.key, LipschitzSettings(diagnostics: LipschitzDiagnosticsSettings(batchSize: 32)))
        var trainers = [OfflineTrainer]()
        for (name, c) in [("plain", plain), ("diagnosed", diagnosed)] {
            let t = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent(name), resume: false,
                                       dynamicsCache: dir.path("dynamics.h5"), plugIns: c.makePlugIns([LipschitzPlugInFactory()]))
            try t.run()
            trainers.append(t)
        }
        #expect(trainers[0].plugIns.count == 1 && trainers[1].plugIns.count == 2)     // MOPO's; MOPO's and the module's
        #expect(trainers[1].plugIns.last is LipschitzPlugIn && trainers[1].agent.criticRegularizers.isEmpty)
        #expect(trainers[0].agent.critics.parameterValues() == trainers[1].agent.critics.parameterValues())
        #expect(trainers[0].agent.actor.parameterValues() == trainers[1].agent.actor.parameterValues())
        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("diagnosed"))
        #expect(rows.last?["lipschitz_empirical_max"] != nil)
    }

    /// A small MOPO configuration on the point-mass data: a 1-member model, 16-unit networks.
    static func tinyConfiguration(dataset: String) -> OfflineTrainingConfiguration {
        var c = try! MOPO().configuration(dataset: dataset, preset: .short)
        c.seed = 5
        c.totalSteps = 300
        c.stepsPerEpoch = 100
        c.rolloutInterval = 100
        c.rolloutBatchSize = 50
        c.modelRetainEpochs = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 100
        c.evaluationEpisodes = 1
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [16, 16]
        c.sac.batchSize = 32
        c.dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 1, elites: 1, weightDecays: [2.5e-5, 5e-5, 1e-4],
                                                   maxEpochs: 2)
        c.rolloutHorizon = 2
        return c
    }

    /// A tiny MOPO run with all three regularizers on a 10-member critic: the regularizers are
    /// installed, the evaluation rows carry the diagnostics, and a killed-and-resumed run equals
    /// the uninterrupted one bit for bit (u, v travel in the checkpoint).
    @Test func trainerRunsAndResumesExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data)
        var c = Self.tinyConfiguration(dataset: data)
        c.sac.critics = 10
        c.sac.criticSpectralNorm = CriticSpectralNormalization(scale: 2)
        let settings = LipschitzSettings(adversarialNoise: AdversarialNoiseSettings(epsilon: 0.1, attack: .pgd, steps: 2),
                                         gradientPenalty: GradientPenaltySettings(weight: 1, target: 1),
                                         diagnostics: LipschitzDiagnosticsSettings(batchSize: 64))
        c.setPlugInSettings(LipschitzSettings.key, settings)
        func trainer(_ name: String, resume: Bool) throws -> OfflineTrainer {
            try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent(name), resume: resume,
                               dynamicsCache: dir.path("dynamics.h5"), plugIns: c.makePlugIns([LipschitzPlugInFactory()]))
        }
        let full = try trainer("full", resume: false)
        #expect(full.agent.criticRegularizers.count == 2)
        try full.run()
        try trainer("killed", resume: false).run(stopAfter: 250)      // gone, as after a kill
        let resumed = try trainer("killed", resume: true)
        #expect(resumed.step == 200)
        try resumed.run()
        #expect(resumed.agent.critics.parameterValues() == full.agent.critics.parameterValues())
        #expect(resumed.agent.targetCritics.parameterValues() == full.agent.targetCritics.parameterValues())
        #expect(resumed.agent.actor.parameterValues() == full.agent.actor.parameterValues())

        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("full"))
        let last = try #require(rows.last)
        for key in ["lipschitz_upper_max", "lipschitz_empirical_max", "lipschitz_robust_loss", "lipschitz_gradient_penalty"] {
            #expect(last[key] != nil, "missing \(key)")
        }
        #expect(last["lipschitz_upper_max"]! < 8.5)             // c³ = 8, up to power-iteration lag
        #expect(last["lipschitz_empirical_max"]! <= last["lipschitz_upper_max"]!)

        let (agent, _) = try OfflineTrainer.loadAgent(from: full.finalAgentPath)
        #expect(agent.critics.parameterValues() == full.agent.critics.parameterValues())
    }
}
