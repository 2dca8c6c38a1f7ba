import PolicyLearning

/// Configurations small enough for unit tests of the offline trainer and its plug-ins.
public enum OfflineConfigurations {
    /// A run small enough for a unit test: tiny networks, 3-member model, 100-step epochs; the base
    /// algorithm `algorithm` (`mopo`, `mobile`, `mbpo`) with h = 3 (2 for MOBILE), MOPO's λ = 1 and
    /// MOBILE's 3 samples.
    public static func tinyConfiguration(algorithm: String, dataset: String, steps: Int) -> OfflineTrainingConfiguration {
        // The base registry knows the three names; a test passing another name is a programming error.
        var c = try! OfflineAlgorithmRegistry.base.configuration(algorithm: algorithm, dataset: dataset, preset: .short)
        c.preset = "test"
        c.cosineScheduleEpochs = nil      // anneal over the tiny run itself
        c.seed = 5
        c.totalSteps = steps
        c.stepsPerEpoch = 100
        c.rolloutInterval = 100
        c.rolloutBatchSize = 100
        c.modelRetainEpochs = 2
        c.evaluationInterval = 100
        c.checkpointInterval = 200
        c.evaluationEpisodes = 2
        c.maxEpisodeSteps = 20
        c.sac.hiddenSizes = [32, 32]
        c.sac.batchSize = 64
        c.dynamics = DynamicsEnsembleConfiguration(hiddenSizes: [32, 32], members: 3, elites: 2,
                                                   weightDecays: [2.5e-5, 5e-5, 1e-4], maxEpochs: 3)
        c.rolloutHorizon = algorithm == "mobile" ? 2 : 3
        if c.plugIns["mopo"] != nil { c.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: 1)) }
        if var mobile = try! c.plugInSettings("mobile", as: MOBILEConfiguration.self) {
            mobile.samples = 3
            c.setPlugInSettings("mobile", mobile)
        }
        return c
    }
}
