/// RAVL's per-task settings (N, η, h, real ratio; Sims et al., "The Edge-of-Reach Problem in
/// Offline Model-Based Reinforcement Learning", NeurIPS 2024, appendix). The paper's appendix
/// table was not available to this project; the only per-task row the official code
/// gives is its README's halfcheetah-medium (N = 10, h = 5, r = 0.05, η = 1), which equals the
/// defaults of `train_ravl_agent.py` (§1.6). Every task therefore gets those values until the table
/// is found; the table is kept as data so that rows can be added without touching code.
public struct RAVLTaskSettings: Codable, Sendable, Equatable {
    /// Critics N.
    public var critics: Int
    /// Diversity weight η.
    public var eta: Float
    /// Rollout horizon h.
    public var rolloutHorizon: Int
    /// Real fraction of each batch.
    public var realRatio: Double

    /// Creates a row.
    public init(critics: Int, eta: Float, rolloutHorizon: Int, realRatio: Double) {
        self.critics = critics
        self.eta = eta
        self.rolloutHorizon = rolloutHorizon
        self.realRatio = realRatio
    }

    /// `train_ravl_agent.py`'s defaults (`anyasims/edge-of-reach`).
    public static let defaults = RAVLTaskSettings(critics: 10, eta: 1, rolloutHorizon: 5, realRatio: 0.05)

    /// Known rows by task key (`halfcheetah-medium`); the official README's one example.
    public static let table: [String: RAVLTaskSettings] = [
        "halfcheetah-medium": RAVLTaskSettings(critics: 10, eta: 1, rolloutHorizon: 5, realRatio: 0.05),
    ]

    /// The row for a dataset name (`halfcheetah-medium-v2`, `halfcheetah-medium-orl`, a path
    /// ending in such a name), else ``defaults``.
    public static func suggested(for dataset: String) -> RAVLTaskSettings {
        let name = (dataset.split(separator: "/").last.map(String.init) ?? dataset).lowercased()
        let stem = name.replacingOccurrences(of: ".hdf5", with: "")
        for suffix in ["-v2", "-orl", "-v0", "-v1"] where stem.hasSuffix(suffix) {
            if let row = table[String(stem.dropLast(suffix.count))] { return row }
        }
        return table[stem] ?? defaults
    }
}

/// `orl train --algo ravl`: MBPO-style offline SAC with no dynamics penalty, N = 10 critics and
/// EDAC's diversity term (``RAVLPlugIn``), with the official code's agent settings
/// (`anyasims/edge-of-reach` `train_ravl_agent.py`; the RAVL module's ReachAwareValueLearning article):
///
/// | setting | value |
/// | --- | --- |
/// | critics N, η | 10, 1.0 (per task: ``RAVLTaskSettings``) |
/// | actor and critics | 3 × 256 ReLU |
/// | learning rates (actor, critic, α) | 3e-4 each; α auto-tuned from α₀ = 1, unclamped; no actor lr schedule |
/// | rollouts | h = 5 from uniform dataset states, stochastic policy; 50,000 start states per epoch (the short preset: 10,000) |
/// | batch | 256, real fraction 0.05 (`Int(0.05·256)` = 12 real rows) |
/// | model buffer | FIFO, 5 rollouts retained |
/// | γ, τ | 0.99, 5e-3 |
///
/// Budgets come from ``PolicyLearning/BudgetPreset``: `paper` is 3,000 × 1,000 updates as in the
/// official code; `short` is 50,000 updates.
public struct RAVLRecipe: OfflineAlgorithmRecipe {
    /// Creates the recipe.
    public init() {}

    /// `"ravl"`.
    public var name: String { "ravl" }

    /// One line for `orl train --help`.
    public var summary: String {
        "RAVL (Sims et al. 2024): no dynamics penalty; 10 critics with a minimum target and EDAC's diversity term"
    }

    /// The configuration for `dataset` under `preset`.
    /// - Throws: an encoding error for the plug-in settings (not expected).
    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = try MBPO().configuration(dataset: dataset, preset: preset)
        let task = RAVLTaskSettings.suggested(for: dataset)
        c.algorithm = name
        c.rolloutHorizon = task.rolloutHorizon
        c.realRatio = task.realRatio
        c.modelRetainEpochs = 5
        c.cosineActorSchedule = false
        var sac = SACConfiguration()                 // train_ravl_agent.py: 3e-4 everywhere, α unclamped
        sac.hiddenSizes = [256, 256, 256]
        sac.critics = task.critics
        c.sac = sac
        c.setPlugInSettings("ravl", RAVLSettings(eta: task.eta))
        return c
    }
}
