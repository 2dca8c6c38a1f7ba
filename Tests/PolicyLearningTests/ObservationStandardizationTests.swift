import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning
import LinearAlgebra

/// `SACConfiguration.standardizeObservations` (OfflineRL-Kit's `normalize_obs()` in its RAMBO
/// runs): the actor and every critic see `(s − μ_D)/σ_D`, the statistics are the data's, frozen,
/// and stored in checkpoints; without it nothing changes.
@Suite("SAC: states standardized at the networks' inputs")
struct ObservationStandardizationTests {
    static let statistics = Normalizer(mean: [0.5, -2, 3], std: [2, 0.5, 4])

    static func largestDifference(_ a: Tensor, _ b: Tensor) -> Float {
        (a - b).abs().max()
    }

    /// The standardizing agent draws the same weights as the plain one and computes, on raw
    /// states, exactly what the plain one computes on standardized states.
    @Test func networksSeeStandardizedStates() {
        var plainSettings = SACConfiguration()
        plainSettings.hiddenSizes = [16, 16]
        plainSettings.critics = 3
        var settings = plainSettings
        settings.standardizeObservations = true
        var rngA = RandomGenerator(seed: 7), rngB = RandomGenerator(seed: 7)
        let plain = SACAgent(observationDimension: 3, actionDimension: 2, configuration: plainSettings, rng: &rngA)
        let agent = SACAgent(observationDimension: 3, actionDimension: 2, configuration: settings,
                             observationStatistics: Self.statistics, rng: &rngB)
        let own = { (module: Module) in module.parameterValues().filter { !$0.key.hasPrefix("observationStandardization.") } }
        #expect(own(agent.actor) == plain.actor.parameterValues() && own(agent.critics) == plain.critics.parameterValues())
        #expect(agent.actor.parameterValues()["observationStandardization.std"] == Tensor([2, 0.5, 4]))
        #expect(agent.critics.trainableParameters().allSatisfy { !$0.name.hasPrefix("observationStandardization") })

        var rng = RandomGenerator(seed: 1)
        let states = Tensor.normal([5, 3], rng: &rng) * 3, actions = Tensor.uniform([5, 2], low: -1, high: 1, rng: &rng)
        let standardized = Self.statistics.normalized(states)
        #expect(Self.largestDifference(agent.actor.distribution(Variable(states)).base.mean.value,
                                       plain.actor.distribution(Variable(standardized)).base.mean.value) < 1e-5)
        #expect(Self.largestDifference(agent.critics(Variable(states), Variable(actions)).value,
                                       plain.critics(Variable(standardized), Variable(actions)).value) < 1e-5)
        #expect(Self.largestDifference(agent.targetCritics(Variable(states), Variable(actions)).value,
                                       plain.targetCritics(Variable(standardized), Variable(actions)).value) < 1e-5)
        let perMember = agent.critics.perMember(Variable(agent.critics.memberCopies(states)),
                                                Variable(agent.critics.memberCopies(actions)))
        #expect(Self.largestDifference(perMember.value, plain.critics(Variable(standardized), Variable(actions)).value) < 1e-5)
        // Without the setting, statistics are ignored: the networks are the plain ones.
        var rngC = RandomGenerator(seed: 7)
        let ignoring = SACAgent(observationDimension: 3, actionDimension: 2, configuration: plainSettings,
                                observationStatistics: Self.statistics, rng: &rngC)
        #expect(ignoring.actor.observationStandardization == nil && ignoring.actor.parameterValues() == plain.actor.parameterValues())
    }

    /// A run with the setting standardizes with its data's statistics, keeps them through training
    /// (no optimizer moves them), resumes exactly after a kill, and `final.h5` gives them back to
    /// an evaluating agent built without the data.
    @Test func runsUseTheDataStatisticsKeepThemAndStoreThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var config = try StopRequestTests.pointMassMOPO(in: dir, steps: 300)
        config.sac.standardizeObservations = true
        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false)
        let expected = Normalizer(fitting: full.realBuffer.orderedTransitions().observations)
        let standardization = try #require(full.agent.actor.observationStandardization)
        #expect(standardization.mean.value == Tensor(expected.mean) && standardization.std.value == Tensor(expected.std))
        #expect(expected.std.contains { abs($0 - 1) > 0.05 }, "the fixture's states are not already standardized")
        try full.run()
        for module in [full.agent.actor, full.agent.critics, full.agent.targetCritics] as [Module] {
            let values = module.parameterValues()
            #expect(values["observationStandardization.mean"] == Tensor(expected.mean))
            #expect(values["observationStandardization.std"] == Tensor(expected.std))
        }

        let killed = dir.url.appendingPathComponent("killed")
        do { try OfflineTrainer(configuration: config, directory: killed, resume: false).run(stopAfter: 250) }
        let resumed = try OfflineTrainer(configuration: config, directory: killed, resume: true)
        #expect(resumed.step == 200)
        try resumed.run()
        #expect(resumed.agent.actor.parameterValues() == full.agent.actor.parameterValues())
        #expect(resumed.agent.critics.parameterValues() == full.agent.critics.parameterValues())
        #expect(resumed.evaluations == full.evaluations)

        let (loaded, _) = try OfflineTrainer.loadAgent(from: full.finalAgentPath)
        #expect(loaded.actor.parameterValues() == full.agent.actor.parameterValues())
    }
}
