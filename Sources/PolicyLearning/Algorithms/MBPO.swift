/// MBPO-style offline training (Janner et al., "When to Trust Your Model: Model-Based Policy
/// Optimization", NeurIPS 2019, Algorithm 2): SAC on a mix of real data and branched model
/// rollouts, with no penalty, so no plug-in: its settings are the loop's (h = 5 and 5 % real
/// data by default, RAVL's). The base of RAVL (Sims et al., NeurIPS 2024), which adds a large
/// critic ensemble and EDAC's diversity term instead of a dynamics penalty.
public struct MBPO: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// MBPO has no settings of its own; `plugIns.mbpo` marks the run and must be empty.
    public typealias Settings = MBPOConfiguration

    /// Creates the algorithm.
    public init() {}

    public var name: String { "mbpo" }
    public var key: String { "mbpo" }
    public var summary: String { "MBPO-style (Janner et al. 2019): model rollouts without a penalty" }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        c.setPlugInSettings(key, MBPOConfiguration())
        c.apply(preset)
        return c
    }

    public func makePlugIn(settings: MBPOConfiguration, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        MBPOPlugIn()
    }
}

/// MBPO's settings: none (the horizon and real ratio are the loop's).
public struct MBPOConfiguration: DefaultedSettings {
    /// No settings.
    public init() {}
}

/// Installs nothing: MBPO is the loop without a penalty.
final class MBPOPlugIn: OfflinePlugIn {
    func install(on trainer: OfflineTrainer) throws {}
}
