import Foundation
import Testing
import TestSupport
import RAVL

@Suite("RAVL plug-in, recipe and edge-of-reach diagnostics", .serialized)
struct RAVLPlugInTests {
    /// Trains `config` on the point mass with the true point-mass model (no fit) and `plugIns`.
    static func train(_ config: OfflineTrainingConfiguration, in dir: TemporaryDirectory, name: String,
                      plugIns: [any OfflinePlugIn]) throws -> (OfflineTrainer, [[String: Double]]) {
        let directory = dir.url.appendingPathComponent(name)
        let trainer = try OfflineTrainer(configuration: config, directory: directory, resume: false,
                                         model: PointMassModel(), plugIns: plugIns)
        try trainer.run()
        return (trainer, try TrainingLog.readRows(directory: directory))
    }

    /// With η = 0 and N = 2 the RAVL plug-in (diagnostics on) leaves every parameter, α and
    /// evaluation bit-identical to plain SAC; with η = 1 the critics move differently and the
    /// diversity term is logged.
    @Test func etaZeroWithTwoCriticsIsExactlyPlainSAC() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writeRandomDataset(environment: "pointmass", to: data, episodes: 10, steps: 20)
        let config = RAVLFixtures.tinyConfiguration(dataset: data, steps: 300)

        let (plain, plainLog) = try Self.train(config, in: dir, name: "plain", plugIns: [])
        let (base, baseLog) = try Self.train(config, in: dir, name: "ravl-eta0",
                                             plugIns: [RAVLPlugIn(settings: RAVLSettings(eta: 0, diagnostics: true))])
        #expect(base.agent.criticRegularizers.isEmpty)
        #expect(base.agent.actor.parameterValues() == plain.agent.actor.parameterValues())
        #expect(base.agent.critics.parameterValues() == plain.agent.critics.parameterValues())
        #expect(base.agent.targetCritics.parameterValues() == plain.agent.targetCritics.parameterValues())
        #expect(base.agent.alpha == plain.agent.alpha)
        #expect(base.evaluations == plain.evaluations)
        #expect(base.modelBuffer.orderedTransitions().observations == plain.modelBuffer.orderedTransitions().observations)
        // Same training columns; the plug-in only adds diagnostics.
        let strip = { (row: [String: Double]) in row.filter { !$0.key.hasPrefix("eor_") && !$0.key.hasPrefix("q_policy_real") && $0.key != "wall_seconds" } }
        #expect(baseLog.map(strip) == plainLog.map { $0.filter { $0.key != "wall_seconds" } })

        // Diagnostics: with h = 3 and no terminations a third of the model rows are last-step rows.
        let row = try #require(baseLog.last)
        for key in ["eor_last_q_mean", "eor_last_q_min", "eor_last_q_std", "eor_last_penalty", "eor_earlier_q_mean",
                    "eor_earlier_q_std", "eor_std_ratio", "eor_last_fraction", "q_policy_real_mean"] {
            #expect(row[key]?.isFinite == true, "missing \(key)")
        }
        #expect(abs(row["eor_last_fraction"]! - 1.0 / 3) < 0.05)
        #expect(row["eor_last_q_mean"]! >= row["eor_last_q_min"]!)
        #expect(row["approx_q_star"] == nil)          // the point mass has no reference return

        // η = 1: the diversity term is installed, logged, and changes the critics.
        let (ravl, ravlLog) = try Self.train(config, in: dir, name: "ravl-eta1", plugIns: [RAVLPlugIn(settings: RAVLSettings(eta: 1))])
        #expect(ravl.agent.criticRegularizers.count == 1)
        #expect(ravl.agent.critics.parameterValues() != plain.agent.critics.parameterValues())
        #expect(ravlLog.last?["diversity_loss"] != nil)
        #expect(plainLog.last?["diversity_loss"] == nil)
    }

    /// Settings decode with defaults for missing keys; bad values fail with the key named.
    @Test func settingsDecodeWithDefaultsAndRejectBadValues() throws {
        var config = RAVLFixtures.tinyConfiguration(dataset: "x", steps: 1)
        config.plugIns["ravl"] = try JSONValue(encoding: [String: Double]())
        let empty = try #require(try config.plugInSettings("ravl", as: RAVLSettings.self))
        #expect(empty == RAVLSettings())
        #expect(empty.eta == 1 && empty.diagnostics && empty.diagnosticSamples == 2048)

        let overridden = try config.applying(json: Data(#"{"plugIns": {"ravl": {"eta": 0.25}, "edge-of-reach": {}}}"#.utf8))
        #expect(try overridden.plugInSettings("ravl", as: RAVLSettings.self)?.eta == 0.25)
        let plugIns = try overridden.makePlugIns([RAVLPlugInFactory(), EdgeOfReachPlugInFactory()])
        #expect(plugIns.count == 3)                 // MBPO's, RAVL's and the diagnostics

        var oneCritic = config
        oneCritic.sac.critics = 1
        #expect(throws: OfflineTrainingError.self) { _ = try RAVLPlugInFactory().makePlugIn(configuration: oneCritic) }
        #expect(throws: OfflineTrainingError.self) { try RAVLSettings(eta: -1).validate(critics: 10) }
        #expect(throws: OfflineTrainingError.self) { try RAVLSettings(eta: .nan).validate(critics: 10) }
        var bad = config
        bad.plugIns["ravl"] = try JSONValue(encoding: ["eta": "high"])
        #expect(throws: OfflineTrainingError.self) { _ = try RAVLPlugInFactory().makePlugIn(configuration: bad) }
        do {
            _ = try RAVLPlugInFactory().makePlugIn(configuration: oneCritic)
        } catch {
            #expect("\(error)".contains("sac.critics"))
        }
    }

    /// `--algo ravl`: the official defaults (`anyasims/edge-of-reach` `train_ravl_agent.py`) under both presets.
    @Test func recipeCarriesThePapersDefaults() throws {
        let recipe = RAVLRecipe()
        let short = try recipe.configuration(dataset: "halfcheetah-medium-orl", preset: .short)
        #expect(short.algorithm == "ravl" && Set(short.plugIns.keys) == ["mbpo", "ravl"])
        #expect(short.sac.critics == 10 && short.sac.hiddenSizes == [256, 256, 256])
        #expect(short.sac.actorLearningRate == 3e-4 && short.sac.criticLearningRate == 3e-4 && short.sac.alphaLearningRate == 3e-4)
        #expect(short.sac.maximumAlpha == nil && short.sac.automaticEntropyTuning && short.sac.initialAlpha == 1)
        #expect(short.sac.logStdRange == -5...2 && short.sac.batchSize == 256 && short.sac.discount == 0.99 && short.sac.tau == 5e-3)
        #expect(!short.cosineActorSchedule)
        #expect(short.rolloutHorizon == 5 && short.realRatio == 0.05 && short.modelRetainEpochs == 5)
        #expect(MixedSampler(realRatio: short.realRatio).realCount(batchSize: 256, modelCount: 1) == 12)
        #expect(short.totalSteps == 50_000 && short.rolloutBatchSize == 10_000)
        #expect(try short.plugInSettings("ravl", as: RAVLSettings.self)?.eta == 1)
        let paper = try recipe.configuration(dataset: "hopper-medium-v2", preset: .paper)
        #expect(paper.totalSteps == 3_000_000 && paper.rolloutBatchSize == 50_000 && paper.modelBufferCapacity == 1_250_000)
        #expect(RAVLTaskSettings.suggested(for: "/data/halfcheetah-medium-v2.hdf5") == RAVLTaskSettings.defaults)
        #expect(RAVLTaskSettings.suggested(for: "walker2d-medium-expert-orl") == RAVLTaskSettings.defaults)
    }

    /// A checkpoint stores the configuration's complete tree, where the unclamped
    /// `sac.maximumAlpha` is an explicit `null`; reading it back must not bring offline SAC's cap
    /// of 1 back, or `--resume` refuses every RAVL run as "a different configuration".
    @Test func recipeConfigurationSurvivesTheCheckpointRoundTrip() throws {
        for preset in [BudgetPreset.short, .paper] {
            let config = try RAVLRecipe().configuration(dataset: "walker2d-medium-expert-orl", preset: preset)
            let restored = try OfflineTrainingConfiguration.reading(config.settingsTree)
            #expect(restored.sac.maximumAlpha == nil)
            #expect(restored == config)
        }
    }

    /// The Q of a score-100 policy ((R_max/1000)/(1 − γ), D4RL reference returns): 1213.5 for halfcheetah, 323.4 for hopper.
    @Test func approximateOptimalQMatchesTheNote() {
        let cheetah = EdgeOfReachDiagnostics.approximateOptimalQ(referenceMaxReturn: 12135.0, episodeSteps: 1000, discount: 0.99)
        let hopper = EdgeOfReachDiagnostics.approximateOptimalQ(referenceMaxReturn: 3234.3, episodeSteps: 1000, discount: 0.99)
        #expect(abs(cheetah! - 1213.5) < 0.01 && abs(hopper! - 323.43) < 0.01)
        #expect(EdgeOfReachDiagnostics.approximateOptimalQ(referenceMaxReturn: nil, episodeSteps: 1000, discount: 0.99) == nil)
    }
}
