import Foundation
import OfflineRL

/// MOREC's dynamics reward for ``Corridor`` data, learned by ``MOREC/DynamicsRewardRun`` (what
/// `orl morec learn-reward` runs) with small networks: under a second on a few hundred rows, and
/// it scores real next states about 1.3 and next states 0.5 or 1 off about 0.31 (its floor).
enum CorridorDynamicsReward {
    /// Learns the reward on the D4RL-layout file `dataset` in `directory`; returns `reward.h5`'s path.
    static func learn(dataset: String, in directory: URL) throws -> String {
        var c = AdversarialRewardConfiguration()
        c.discriminatorHiddenSizes = [32, 32]
        c.generatorHiddenSizes = [32, 32]
        c.batchSize = 128
        c.warmupSteps = 300
        c.adversarialSteps = 900
        c.snapshotInterval = 100
        c.retainedSnapshots = 8
        c.thinning = 2
        c.calibrationRows = 512
        c.holdoutFraction = 0.1
        c.logInterval = 100
        c.checkpointInterval = 300
        c.discriminatorLearningRate = 1e-3
        let run = DynamicsRewardRun(configuration: c, dataset: dataset, directory: directory)
        guard case .finished = try run.run(resume: false, report: { _ in }) else {
            throw MORECError.invalidSettings("the corridor's reward run stopped early")
        }
        return run.rewardPath
    }
}
