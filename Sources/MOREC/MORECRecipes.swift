import Foundation

/// One task's MOREC settings from the official launchers (`polixir/morec`, `run_example/` scripts for MOPO and MOBILE).
public struct MORECTask: Codable, Sendable, Equatable {
    /// The base algorithm's penalty coefficient: MOPO's λ or MOBILE's β.
    public var penaltyCoefficient: Float
    /// `argmax` or `softmax` selection.
    public var selection: String
    /// Fraction of real data per batch (0.05 unless listed).
    public var realRatio: Double = 0.05
    /// A fixed SAC temperature instead of automatic tuning, or `nil`.
    public var fixedAlpha: Float? = nil
    /// MOBILE's backup without the entropy term.
    public var deterministicBackup: Bool = false

    /// Creates a task entry.
    public init(_ penaltyCoefficient: Float, _ selection: String, realRatio: Double = 0.05, fixedAlpha: Float? = nil,
                deterministicBackup: Bool = false) {
        self.penaltyCoefficient = penaltyCoefficient
        self.selection = selection
        self.realRatio = realRatio
        self.fixedAlpha = fixedAlpha
        self.deterministicBackup = deterministicBackup
    }
}

/// `orl train --algo morec-mopo` / `morec-mobile`: the base algorithm with MOREC's filter and the
/// official per-task settings (Luo et al., "Reward-Consistent Dynamics Models are Strongly
/// Generalizable for Offline Reinforcement Learning", ICLR 2024, appendix; the official launchers) as data:
///
/// | setting | value |
/// | --- | --- |
/// | rollout | every 1000 updates, 2000 start states, horizon 100, 5 rollouts retained |
/// | filter | 5 elites × 2 samples, threshold 0.6, argmax or softmax(10·r) per task |
/// | SAC | auto-α unless the task fixes it; actor lr 1e-4 cosine, critic lr 3e-4 |
/// | MOPO | λ per task (0.25–20) on the chosen transition |
/// | MOBILE | β per task (0.1–7.5), 10 samples, stochastic backup unless listed |
///
/// The `short` preset keeps these and cuts the budget to 50,000 updates. The reward file
/// defaults to `runs/morec-reward/<dataset>/reward.h5` (relative to the working directory), where
/// `orl morec learn-reward --dataset <dataset> --out runs/morec-reward/<dataset>` writes it.
///
/// Deviation: official MOREC-MOBILE trains the actor against the target critics; the shared SAC
/// uses the online critics, as upstream MOBILE does.
public struct MORECRecipe: OfflineAlgorithmRecipe {
    /// The base algorithm's recipe (``PolicyLearning/MOPO`` or ``PolicyLearning/MOBILE``).
    public let base: any OfflineAlgorithmRecipe
    /// The per-task table of this variant, keyed by ``PolicyLearning/taskKey(_:)``.
    public let tasks: [String: MORECTask]
    /// The settings for datasets not in ``tasks``.
    public let fallback: MORECTask
    /// Writes a task's base-algorithm settings (λ or β and friends) into a configuration.
    private let storeBaseSettings: @Sendable (MORECTask, inout OfflineTrainingConfiguration) -> Void

    /// MOREC on MOPO: λ per task on the chosen transition; other datasets λ 1, argmax.
    public static let mopo = MORECRecipe(base: MOPO(), tasks: mopoTasks, fallback: MORECTask(1, "argmax")) { task, c in
        c.setPlugInSettings("mopo", MOPOConfiguration(penaltyCoefficient: task.penaltyCoefficient))
    }

    /// MOREC on MOBILE: β per task, 10 samples, the task's backup; other datasets β 0.5, softmax.
    public static let mobile = MORECRecipe(base: MOBILE(), tasks: mobileTasks, fallback: MORECTask(0.5, "softmax")) { task, c in
        c.setPlugInSettings("mobile", MOBILEConfiguration(penaltyCoefficient: task.penaltyCoefficient, samples: 10,
                                                          deterministicBackup: task.deterministicBackup))
    }

    private init(base: any OfflineAlgorithmRecipe, tasks: [String: MORECTask], fallback: MORECTask,
                 storeBaseSettings: @escaping @Sendable (MORECTask, inout OfflineTrainingConfiguration) -> Void) {
        self.base = base
        self.tasks = tasks
        self.fallback = fallback
        self.storeBaseSettings = storeBaseSettings
    }

    public var name: String { "morec-" + base.name }

    public var summary: String {
        "MOREC (Luo et al. 2024) on \(base.name.uppercased()): elite candidates filtered by a learned dynamics reward (needs `orl morec learn-reward`)"
    }

    /// Rollout start states (official `rollout_batch_size` 2000).
    public static let rolloutBatchSize = 2_000
    /// Rollout horizon (official 100).
    public static let rolloutHorizon = 100

    /// MOREC-MOPO per task, keyed by ``PolicyLearning/taskKey(_:)``.
    public static let mopoTasks: [String: MORECTask] = [
        "halfcheetah-random": .init(0.5, "softmax"), "halfcheetah-medium": .init(0.5, "argmax"),
        "halfcheetah-medium-replay": .init(0.5, "softmax"), "halfcheetah-medium-expert": .init(0.5, "argmax"),
        "hopper-random": .init(10, "argmax"), "hopper-medium": .init(15, "softmax"),
        "hopper-medium-replay": .init(15, "softmax"), "hopper-medium-expert": .init(15, "softmax"),
        "walker2d-random": .init(1, "softmax"), "walker2d-medium": .init(0.5, "softmax"),
        "walker2d-medium-replay": .init(0.25, "argmax"), "walker2d-medium-expert": .init(1, "softmax"),
        "halfcheetah-v3-l": .init(2, "argmax"), "halfcheetah-v3-m": .init(2, "argmax"), "halfcheetah-v3-h": .init(2, "softmax"),
        "hopper-v3-l": .init(2, "argmax", fixedAlpha: 0.1), "hopper-v3-m": .init(20, "argmax", realRatio: 0.5),
        "hopper-v3-h": .init(20, "argmax", realRatio: 0.5, fixedAlpha: 0.2),
        "walker2d-v3-l": .init(2, "softmax"), "walker2d-v3-m": .init(2, "softmax"), "walker2d-v3-h": .init(2, "argmax"),
    ]

    /// MOREC-MOBILE per task: softmax everywhere.
    public static let mobileTasks: [String: MORECTask] = [
        "halfcheetah-random": .init(0.25, "softmax"), "halfcheetah-medium": .init(0.25, "softmax"),
        "halfcheetah-medium-replay": .init(0.25, "softmax"), "halfcheetah-medium-expert": .init(1, "softmax", realRatio: 0.5),
        "hopper-random": .init(7.5, "softmax", deterministicBackup: true), "hopper-medium": .init(1.5, "softmax"),
        "hopper-medium-replay": .init(0.5, "softmax"), "hopper-medium-expert": .init(1.5, "softmax"),
        "walker2d-random": .init(1, "softmax"), "walker2d-medium": .init(0.75, "softmax"),
        "walker2d-medium-replay": .init(0.1, "softmax"), "walker2d-medium-expert": .init(0.25, "softmax"),
        "halfcheetah-v3-l": .init(1, "softmax"), "halfcheetah-v3-m": .init(0.5, "softmax"), "halfcheetah-v3-h": .init(0.75, "softmax"),
        "hopper-v3-l": .init(0.5, "softmax"), "hopper-v3-m": .init(2, "softmax"), "hopper-v3-h": .init(2.5, "softmax", fixedAlpha: 0.1),
        "walker2d-v3-l": .init(0.75, "softmax"), "walker2d-v3-m": .init(0.25, "softmax"),
        "walker2d-v3-h": .init(0.1, "softmax", realRatio: 0.5),
    ]

    /// The task's entry, or a middle default (MOPO λ 1, argmax; MOBILE β 0.5, softmax) for other datasets.
    public func task(for dataset: String) -> MORECTask { tasks[taskKey(dataset)] ?? fallback }

    /// The default reward file for `dataset`: `runs/morec-reward/<file name without extension>/reward.h5`.
    public static func defaultRewardPath(dataset: String) -> String {
        var name = (dataset as NSString).lastPathComponent
        for ext in [".hdf5", ".h5"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
        return "runs/morec-reward/\(name)/reward.h5"
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = try base.configuration(dataset: dataset, preset: preset)
        c.algorithm = name
        let t = task(for: dataset)
        c.rolloutBatchSize = Self.rolloutBatchSize
        c.rolloutHorizon = Self.rolloutHorizon
        c.modelRetainEpochs = 5
        c.realRatio = t.realRatio
        // Auto-α unless the task fixes it (MOBILE's own table fixes α on some tasks; MOREC's does not).
        c.sac.automaticEntropyTuning = t.fixedAlpha == nil
        c.sac.initialAlpha = t.fixedAlpha ?? OfflineTrainingConfiguration.offlineSAC.initialAlpha
        storeBaseSettings(t, &c)
        var settings = MORECSettings(rewardPath: Self.defaultRewardPath(dataset: dataset))
        settings.selection = t.selection
        c.setPlugInSettings("morec", settings)
        return c
    }

    /// MOREC-MOPO and MOREC-MOBILE.
    public static let all = [MORECRecipe.mopo, MORECRecipe.mobile]
}
