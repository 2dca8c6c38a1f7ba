import Foundation
import Testing
import TestSupport
import MOREC
import OfflineTestSupport

@Suite("MOREC plug-in and recipes", .serialized)
struct MORECPlugInTests {
    /// The per-task settings of the official launch scripts (Sources/MOREC/MOREC.docc/RewardConsistentDynamics.md) land in the configuration.
    @Test func recipesCarryThePerTaskSettings() throws {
        let mopo = try MORECRecipe.mopo.configuration(dataset: "hopper-medium-orl", preset: .short)
        #expect(mopo.algorithm == "morec-mopo" && Set(mopo.plugIns.keys) == ["mopo", "morec"])
        #expect(try mopo.plugInSettings("mopo", as: MOPOConfiguration.self)?.penaltyCoefficient == 15 && mopo.rolloutHorizon == 100 && mopo.rolloutBatchSize == 2_000)
        #expect(mopo.totalSteps == 50_000 && mopo.modelRetainEpochs == 5 && mopo.realRatio == 0.05)
        let settings = try #require(try mopo.plugInSettings("morec", as: MORECSettings.self))
        #expect(settings.selection == "softmax" && settings.threshold == 0.6 && settings.samplesPerElite == 2)
        #expect(settings.rewardPath == "runs/morec-reward/hopper-medium-orl/reward.h5")
        let mobile = try MORECRecipe.mobile.configuration(dataset: "halfcheetah-medium-expert-v2", preset: .paper)
        let mobileSettings = try #require(try mobile.plugInSettings("mobile", as: MOBILEConfiguration.self))
        #expect(mobileSettings.penaltyCoefficient == 1 && mobile.realRatio == 0.5 && mobile.sac.automaticEntropyTuning)
        #expect(mobileSettings.samples == 10 && !mobileSettings.deterministicBackup)
        #expect(Set(mobile.plugIns.keys) == ["mobile", "morec"])
        let hopper = try MORECRecipe.mobile.configuration(dataset: "hopper-medium-v2", preset: .paper)
        #expect(hopper.sac.automaticEntropyTuning)     // MOBILE's own table fixes α = 0.2 here; MOREC's does not
        #expect(MORECRecipe.all.map(\.name) == ["morec-mopo", "morec-mobile"])
    }

    /// A `--config` override of one MOREC key keeps the recipe's other settings.
    @Test func configOverridesMergeIntoTheRecipeSettings() throws {
        let base = try MORECRecipe.mopo.configuration(dataset: "halfcheetah-medium-orl", preset: .short)
        let merged = try base.applying(json: Data(#"{"plugIns": {"morec": {"threshold": 0.5}}}"#.utf8))
        let settings = try #require(try merged.plugInSettings("morec", as: MORECSettings.self))
        #expect(settings.threshold == 0.5 && settings.selection == "argmax")
        #expect(settings.rewardPath == "runs/morec-reward/halfcheetah-medium-orl/reward.h5")
    }

    /// Settings decode with defaults for missing keys; a missing reward file is a clear error.
    @Test func settingsAndMissingRewardErrors() throws {
        let s = try MORECSettings.resolved(overrides: [.object(["selection": .string("softmax")])])
        #expect(try s.candidateSelection() == .softmax(temperature: 0.1) && s.threshold == 0.6 && s.rewardPath == nil)
        #expect(throws: MORECError.self) { try MORECSettings(rewardPath: "x").with(selection: "best").validate() }
        do {
            _ = try MORECPlugIn(settings: MORECSettings(rewardPath: "/nonexistent/reward.h5"))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("/nonexistent/reward.h5") && "\(error)".contains("learn-reward"), "\(error)")
        }
        #expect(throws: MORECError.self) { _ = try MORECPlugIn(settings: MORECSettings()) }
    }

    /// End to end on a point-mass dataset: learn a reward, train morec-mopo for 200 updates; the
    /// filter runs and its diagnostics reach the evaluation rows, with the chosen transitions' reward.
    @Test func trainsWithTheFilterInstalled() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let dataPath = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: dataPath, episodes: 20)
        let data = try D4RLFile.load(path: dataPath).dynamicsTransitions()
        var learning = LinearSystem.configuration
        learning.warmupSteps = 100
        learning.adversarialSteps = 200
        let learner = try AdversarialDynamicsRewardLearner(configuration: learning, transitions: data)
        try learner.train(stopAfter: nil, progress: nil)
        try learner.reward().save(to: dir.path("reward.h5"))

        var c = try MORECRecipe.mopo.configuration(dataset: dataPath, preset: .short)
        c.preset = "test"
        c.totalSteps = 200
        c.stepsPerEpoch = 100
        c.rolloutInterval = 100
        c.rolloutBatchSize = 50
        c.rolloutHorizon = 5
        c.modelRetainEpochs = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 200
        c.evaluationEpisodes = 1
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [16, 16]
        c.sac.batchSize = 32
        c.dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 3, elites: 2, weightDecays: [2.5e-5, 5e-5, 1e-4], maxEpochs: 2)
        var settings = try #require(try c.plugInSettings("morec", as: MORECSettings.self))
        settings.rewardPath = dir.path("reward.h5")
        c.setPlugInSettings("morec", settings)
        let plugIns = try c.makePlugIns([MORECPlugInFactory()])
        let trainer = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run"), resume: false, plugIns: plugIns)
        #expect(trainer.filter is RewardConsistentFilter)
        try trainer.run()
        let rows = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("run"))
        #expect(rows.count == 2)
        let accept = try #require(rows.last?["morec_accept_rate"])
        #expect((0...1).contains(accept))
        // The logged mean dynamics reward is the mean, over every transition the last rollout stored
        // (the filter keeps each row), of the learned reward of the stored (s, a, s'): the filter's ρ.
        let logged = try #require(rows.last?["morec_reward_mean"])
        let last = try #require(trainer.lastRollout), stored = trainer.modelBuffer.orderedTransitions()
        let n = stored.rewards.count, k = last.transitionsAdded, o = stored.observations.shape[1]
        try #require(k > 0 && k <= n)
        let rho = try DynamicsRewardEnsemble.load(from: dir.path("reward.h5"))
            .rewards(observations: stored.observations.slice((n - k)..<n, axis: 0), actions: stored.actions.slice((n - k)..<n, axis: 0),
                     candidates: stored.nextObservations.slice((n - k)..<n, axis: 0).reshaped([1, k, o]))
        #expect(abs(logged - Double(rho.mean())) <= 1e-5, "logged \(logged), recomputed \(rho.mean())")
        #expect(FileManager.default.fileExists(atPath: dir.path("run/morec-rollout-steps.jsonl")))
    }
}

extension MORECSettings {
    func with(selection: String) -> MORECSettings {
        var s = self
        s.selection = selection
        return s
    }
}
