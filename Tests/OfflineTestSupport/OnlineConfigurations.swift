import PolicyLearning

/// Online SAC runs small enough for unit tests.
public enum OnlineConfigurations {
    /// SAC on the point mass: 20-step episodes, 200 random steps, checkpoints and evaluations every 200 steps.
    public static func pointMass(steps: Int) -> OnlineTrainingConfiguration {
        var c = OnlineTrainingConfiguration()
        c.environment = "pointmass"
        c.maxEpisodeSteps = 20
        c.totalSteps = steps
        c.randomSteps = 200
        c.updateAfter = 200
        c.evaluationInterval = 200
        c.evaluationEpisodes = 3
        c.checkpointInterval = 200
        c.replayCapacity = 10_000
        c.sac.hiddenSizes = [64, 64]
        c.sac.batchSize = 128
        c.sac.discount = 0.9
        c.sac.actorLearningRate = 1e-3
        c.sac.criticLearningRate = 1e-3
        c.sac.alphaLearningRate = 1e-3
        c.seed = 3
        return c
    }
}
