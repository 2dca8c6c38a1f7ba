import Foundation
import Testing
import TestSupport
import OfflineRL

/// The baselines on the corridor: trained by ``OfflineTrainer`` on 60 episodes of uniformly random
/// actions (mean return about 5.5), each must beat the behaviour policy by the margin the other
/// offline checks use (≥ behaviour + 3 and ≥ 9 of the optimal 10). The model-free ones (CQL, EDAC,
/// TD3+BC, IQL) see the data alone; COMBO rolls out in the task's exact model. Deviations from the
/// recipes, for seconds-long runs on a task whose returns are 0–10: CQL and COMBO draw R = 3
/// actions per proposal (not 10); COMBO's weight is 1 (its recipe's default 5, tuned for MuJoCo
/// returns in the thousands, holds this small task's values down until the policy dithers, return 0);
/// IQL trains 5,000 updates (at 3,000 three of ten episodes still take the near end).
@Suite("Learning checks: baselines")
struct BaselineCorridorTests {
    /// A few-second run of `algorithm` (the standard registry's recipe) on the corridor data.
    static func configuration(_ algorithm: String, dataset: String, steps: Int) throws -> OfflineTrainingConfiguration {
        var c = try OfflineCorridorTests.configuration(algorithm, dataset: dataset, steps: steps)
        // The recipe's real ratio: 1 for the model-free ones, COMBO's own for COMBO.
        c.realRatio = try AlgorithmRegistry.standard.configuration(algorithm: algorithm, dataset: dataset, preset: .short).realRatio
        c.sac.critics = min(c.sac.critics, 5)
        if var cql = try c.plugInSettings("cql", as: CQLSettings.self) {
            cql.sampledActions = 3
            c.setPlugInSettings("cql", cql)
        }
        if var combo = try c.plugInSettings("combo", as: COMBOSettings.self) {
            combo.sampledActions = 3
            combo.weight = 1
            c.setPlugInSettings("combo", combo)
        }
        return c
    }

    @Test(arguments: ["cql", "edac", "td3bc", "iql", "combo"])
    func beatsThePoorBehaviourPolicy(algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.url.appendingPathComponent("corridor-random.hdf5").path
        let behaviour = try Corridor.writeRandomDataset(to: path, episodes: 60, seed: 11)
        let c = try Self.configuration(algorithm, dataset: path, steps: algorithm == "iql" ? 5000 : 3000)
        let trainer = try OfflineTrainer(configuration: c, directory: dir.url.appendingPathComponent("run"), resume: false,
                                         model: c.dynamicsSource == .noModel ? nil : CorridorModel(), environment: Corridor.timeLimited(),
                                         registry: AlgorithmRegistry.standard)
        try trainer.run()
        let learned = try #require(trainer.evaluations.last).result
        #expect(learned.mean >= behaviour + 3 && learned.mean >= 9, "\(algorithm): behaviour \(behaviour), learned \(learned.returns)")
    }
}
