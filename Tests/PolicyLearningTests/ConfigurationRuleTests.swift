import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning

/// A throwaway base algorithm defined here, not in the library: a constant reward penalty that
/// registers itself. It shows that a new algorithm is one type plus one registration.
struct ConstantPenaltyAlgorithm: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    struct Settings: DefaultedSettings {
        var amount: Float = 0.5
    }

    /// A penalty of 1 on every row, weighted by `coefficient`: r̃ = r − coefficient.
    struct Penalty: RewardPenalty {
        let coefficient: Float
        var needsMemberStatistics: Bool { false }
        func penalty(for step: ModelStep) -> Tensor { Tensor(repeating: 1, shape: [step.rewards.shape[0]]) }
    }

    final class PlugIn: OfflinePlugIn {
        let amount: Float
        init(amount: Float) { self.amount = amount }
        func install(on trainer: OfflineTrainer) throws { try trainer.install(penalty: Penalty(coefficient: amount), by: "constant-penalty") }
    }

    var name: String { "constant-penalty" }
    var key: String { "constant-penalty" }
    var summary: String { "a test's constant reward penalty" }

    func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        c.setPlugInSettings(key, Settings())
        c.apply(preset)
        return c
    }

    func makePlugIn(settings: Settings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        PlugIn(amount: settings.amount)
    }
}

@Suite("One configuration rule: recipes, layers, plug-in settings, resume comparison")
struct ConfigurationRuleTests {
    let registry = OfflineAlgorithmRegistry.base

    /// A base algorithm added outside the library registers, resolves its settings by the same
    /// rule as the library's, and trains with its penalty installed.
    @Test func aThrowawayBaseAlgorithmTrainsWithoutLibraryChanges() throws {
        var registry = self.registry
        try registry.register(ConstantPenaltyAlgorithm())
        #expect(throws: OfflineTrainingError.self) { try registry.register(ConstantPenaltyAlgorithm()) }   // names are unique

        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 10)
        let layer = JSONValue.object(["plugIns": .object(["constant-penalty": .object(["amount": .number(2)])])])
        var config = try registry.configuration(algorithm: "constant-penalty", dataset: data, preset: .short, layers: [layer])
        let tiny = OfflineConfigurations.tinyConfiguration(algorithm: "mbpo", dataset: data, steps: 200)
        config.plugIns["mbpo"] = nil
        config = try config.applying([.object(["totalSteps": .number(200), "rolloutBatchSize": .number(100), "checkpointInterval": .number(200),
                                               "evaluationInterval": .number(100), "evaluationEpisodes": .number(1), "maxEpisodeSteps": .number(20)])])
        config.sac = tiny.sac
        config.dynamics = tiny.dynamics
        #expect(config.plugIns == ["constant-penalty": .object(["amount": .number(2)])])

        let trainer = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("run"), resume: false,
                                         registry: registry)
        #expect(trainer.penalty is ConstantPenaltyAlgorithm.Penalty)
        try trainer.run()
        #expect(trainer.step == 200)
        let rollout = try #require(trainer.lastRollout)
        #expect(rollout.meanPenalty == 1 && abs(rollout.meanReward - (rollout.meanRawReward - 2)) < 1e-4)   // r̃ = r − 2·1
        // Without the registration the same configuration is refused, naming the plug-in.
        #expect(throws: OfflineTrainingError.self) { _ = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("other"), resume: false) }
    }

    /// Later layers win: recipe < `--config` < options; nested groups merge key by key.
    @Test func layersApplyInOrder() throws {
        let file = JSONValue.object(["totalSteps": .number(7000), "sac": .object(["batchSize": .number(128)]),
                                     "plugIns": .object(["mopo": .object(["penaltyCoefficient": .number(0.75)])])])
        let options = JSONValue.object(["totalSteps": .number(9000)])
        let c = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-v2", preset: .short, layers: [file, options])
        #expect(c.totalSteps == 9000)                                   // the option beats the file
        #expect(c.sac.batchSize == 128 && c.sac.actorLearningRate == 1e-4)   // the file beats the recipe; siblings kept
        #expect(try c.plugInSettings("mopo", as: MOPOConfiguration.self)?.penaltyCoefficient == 0.75)
        #expect(c.rolloutHorizon == 5 && c.rolloutBatchSize == 10_000)  // per-task and preset values kept
    }

    /// A key nothing reads is an error naming it: at the top, in a nested group, in a plug-in's
    /// settings, or a plug-in no factory knows. A MOBILE key on a MOPO run is not silently ignored.
    @Test func unknownKeysAreNamed() throws {
        func message(_ layer: String) -> String {
            do {
                let value = try JSONDecoder().decode(JSONValue.self, from: Data(layer.utf8))
                _ = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-v2", preset: .short, layers: [value])
                return ""
            } catch { return "\(error)" }
        }
        #expect(message(#"{"mobile": {"rolloutHorizon": 1}}"#).contains("unknown key 'mobile'"))
        #expect(message(#"{"sac": {"criticz": 3}}"#).contains("unknown key 'sac.criticz'"))
        #expect(message(#"{"plugIns": {"mopo": {"penaltyCoefficent": 1}}}"#).contains("plugIns.mopo: unknown key 'penaltyCoefficent'"))
        #expect(message(#"{"plugIns": {"nonesuch": {}}}"#).contains("plugIns.nonesuch: no plug-in of that name"))
        #expect(message(#"{"totalSteps": "many"}"#).contains("'totalSteps': expected a value of type Int"))
        #expect(message(#"{"rolloutHorizon": 0}"#).contains("the rollout horizon must be positive"))
    }

    /// A group that is `nil` in the base starts from its type's defaults when a layer sets part of it;
    /// setting it to `null` removes it again.
    @Test func partialGroupsStartFromTheirDefaults() throws {
        let base = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-v2", preset: .short)
        #expect(base.sac.criticSpectralNorm == nil)
        let set = try base.applying([.object(["sac": .object(["criticSpectralNorm": .object(["scale": .number(2)])])])])
        #expect(set.sac.criticSpectralNorm == CriticSpectralNormalization(layers: nil, scale: 2, powerIterations: 1, warmUpIterations: 15))
        let removed = try set.applying([.object(["sac": .object(["criticSpectralNorm": .null])])])
        #expect(removed.sac.criticSpectralNorm == nil && removed == base)
    }

    /// The complete tree records every field, `nil` ones as `null`, so a configuration reads back
    /// unchanged (RAVL's unclamped `sac.maximumAlpha` stays `nil`, not offline SAC's 1), and an
    /// old file's missing keys take today's defaults while retired keys are ignored.
    @Test func treesRoundTripAndOldFilesRead() throws {
        for recipe in registry.recipes {
            for preset in [BudgetPreset.short, .paper] {
                let c = try registry.completed(recipe.configuration(dataset: "hopper-medium-v2", preset: preset))
                #expect(try OfflineTrainingConfiguration.reading(c.settingsTree) == c, "\(recipe.name) \(preset)")
            }
        }
        var unclamped = OfflineTrainingConfiguration()
        unclamped.sac.maximumAlpha = nil
        guard case let .object(fields) = unclamped.settingsTree, case let .object(sac)? = fields["sac"] else {
            Issue.record("the tree is not an object")
            return
        }
        #expect(sac["maximumAlpha"] == .null && fields["dynamicsSeed"] == .null)
        #expect(try OfflineTrainingConfiguration.reading(unclamped.settingsTree).sac.maximumAlpha == nil)

        var old = fields
        old["retiredField"] = .number(1)
        old["realRatio"] = nil
        let read = try OfflineTrainingConfiguration.reading(.object(old))
        #expect(read.realRatio == OfflineTrainingConfiguration().realRatio && read.sac.maximumAlpha == nil)
    }

    /// A resumed run compares complete trees and names every differing field, nested ones included.
    @Test func resumeComparisonNamesEveryChangedField() throws {
        let saved = try registry.configuration(algorithm: "mobile", dataset: "hopper-medium-v2", preset: .short)
        var current = saved
        current.totalSteps += 1                                        // may change: a run can be extended
        #expect(OfflineTrainer.changedSettings(saved: saved.settingsTree, current: current).isEmpty)
        current.sac.batchSize = 64
        current.dynamics.maxEpochs = nil
        current.setPlugInSettings("mobile", MOBILEConfiguration(penaltyCoefficient: 2))
        #expect(OfflineTrainer.changedSettings(saved: saved.settingsTree, current: current)
                == ["dynamics.maxEpochs", "plugIns.mobile.penaltyCoefficient", "sac.batchSize"])
    }

    /// A run saved before a setting existed resumes while the setting keeps its default and is
    /// refused once it differs (the tree of an earlier version lacks `sac.standardizeObservations`).
    @Test func aSettingAddedSinceTheRunBeganCountsAsItsDefault() throws {
        let configuration = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-v2", preset: .short)
        let older = try #require(configuration.settingsTree.removing(["sac", "standardizeObservations"]))
        #expect(OfflineTrainer.changedSettings(saved: older, current: configuration).isEmpty)
        var standardized = configuration
        standardized.sac.standardizeObservations = true
        #expect(OfflineTrainer.changedSettings(saved: older, current: standardized) == ["sac.standardizeObservations"])
        guard case var .object(tree) = older else { Issue.record("the settings tree is not an object"); return }
        tree["retiredSetting"] = .number(1)                     // a key today's version lacks still counts
        #expect(OfflineTrainer.changedSettings(saved: .object(tree), current: configuration) == ["retiredSetting"])
    }

    /// Two plug-ins may not claim the same single-valued hook.
    @Test func conflictingPlugInsAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 5)
        var registry = self.registry
        try registry.register(ConstantPenaltyAlgorithm())
        var config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 100)
        config.setPlugInSettings("constant-penalty", ConstantPenaltyAlgorithm.Settings())
        #expect(throws: OfflineTrainingError.conflictingPlugIns(hook: "reward penalty", first: "mopo", second: "constant-penalty")) {
            _ = try OfflineTrainer(configuration: config, directory: dir.url, resume: false, registry: registry)
        }
    }
}
