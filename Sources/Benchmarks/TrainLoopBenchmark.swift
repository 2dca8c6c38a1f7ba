import Foundation
import DynamicsModels
import LinearAlgebra
import MOREC
import NeuralNetworks
import PolicyLearning

/// `orl bench train`: the whole training loop of an algorithm as `orl train` runs it at the paper
/// preset (its per-task rollout starts, horizon and interval, real ratio, model buffer, networks
/// and plug-ins), for a number of updates, with where the time goes.
///
/// The model is fitted briefly before the clock starts (``fitEpochs``, or loaded from
/// ``dynamicsCache``): its weights change what rollouts compute only through termination, so a
/// short fit gives realistic rollout lengths. Evaluation and checkpoints run once, at the end, and
/// are subtracted (they are reported apart). A MOREC algorithm without ``rewardPath`` gets a
/// randomly initialised dynamics reward (its cost does not depend on its weights).
///
/// The loop's time (``OfflineLoopProfile``) splits into updates (the learner with its plug-ins:
/// MOBILE's penalty, RAVL's diversity term, Lipschitz regularizers), rollouts (policy and model),
/// rollout filter and penalty (MOREC's filter, MOPO's penalty), batch sampling, and the rest.
/// `projected_paper_hours` is the preset's total updates at the measured rate, without
/// evaluations; `projected_paper_hours_with_evaluation` adds the preset's evaluations at the cost
/// of the one measured.
public struct TrainLoopBenchmark {
    /// The algorithm's registry name (`mopo`).
    public var algorithm: String
    /// A registered dataset name or a file path.
    public var dataset: String
    /// Updates timed (a multiple of the preset's rollout interval, 1,000, times its share of rollouts exactly).
    public var updates: Int
    /// Epochs of the untimed dynamics fit.
    public var fitEpochs = 1
    /// A `dynamics.h5` to load instead of fitting (written there after a fit when absent).
    public var dynamicsCache: String?
    /// MOREC's dynamics reward, or `nil` for a random one.
    public var rewardPath: String?
    /// The run's seed.
    public var seed: UInt64 = 1
    /// JSON objects laid over the paper preset before the benchmark's own settings (a `--config`
    /// file: other networks, rollout sizes or intervals).
    public var layers: [PolicyLearning.JSONValue] = []
    /// The algorithms known to the program.
    public var registry: OfflineAlgorithmRegistry

    /// A benchmark of `updates` updates of `algorithm` on `dataset`.
    public init(algorithm: String, dataset: String, updates: Int = 2_000, registry: OfflineAlgorithmRegistry) {
        self.algorithm = algorithm
        self.dataset = dataset
        self.updates = updates
        self.registry = registry
    }

    /// The configuration timed: the paper preset (with ``layers``) with `updates` updates, one evaluation and one
    /// checkpoint at the end, a `fitEpochs`-epoch fit and, for MOREC, the reward at `rewardFile`.
    public func configuration(rewardFile: String?) throws -> (timed: OfflineTrainingConfiguration, paper: OfflineTrainingConfiguration) {
        let paper = try registry.configuration(algorithm: algorithm, dataset: dataset, preset: .paper, layers: layers)
        var layer: [String: Any] = [
            "totalSteps": updates, "evaluationInterval": updates, "checkpointInterval": updates, "seed": seed,
            "dynamics": ["maxEpochs": fitEpochs],
        ]
        if let rewardFile, paper.plugIns["morec"] != nil { layer["plugIns"] = ["morec": ["rewardPath": rewardFile]] }
        let json = try JSONSerialization.data(withJSONObject: layer)
        return (try registry.completed(paper.applying(json: json)), paper)
    }

    /// Fits (or loads) the model, runs the loop in a temporary run directory (removed afterwards)
    /// and returns the measurement; `report` gets the fit's progress lines.
    public func run(report: ((String) -> Void)? = nil) throws -> BenchmarkResult {
        let fm = FileManager.default
        let directory = fm.temporaryDirectory.appendingPathComponent("orl-bench-train-\(UUID().uuidString)")
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: directory) }
        let probe = try registry.configuration(algorithm: algorithm, dataset: dataset, preset: .paper, layers: layers)
        var rewardFile = rewardPath
        if rewardFile == nil, probe.plugIns["morec"] != nil {
            rewardFile = directory.appendingPathComponent("random-reward.h5").path
            try Self.writeRandomReward(for: ResolvedDataset(dataset).dataset, to: rewardFile!, seed: seed)
        }
        let (configuration, paper) = try self.configuration(rewardFile: rewardFile)
        let trainer = try OfflineTrainer(configuration: configuration, directory: directory.appendingPathComponent("run"), resume: false,
                                         dynamicsCache: dynamicsCache, registry: registry, report: report)
        try trainer.run()
        return Self.result(profile: trainer.profile, algorithm: algorithm, configuration: configuration, paper: paper)
    }

    /// The measurement of a profiled run of `configuration` against the `paper` preset.
    static func result(profile p: OfflineLoopProfile, algorithm: String, configuration: OfflineTrainingConfiguration,
                       paper: OfflineTrainingConfiguration) -> BenchmarkResult {
        let training = p.trainingSeconds, perUpdate = training / Double(max(p.updates, 1))
        let other = training - p.updateSeconds - p.samplingSeconds - p.rolloutSeconds
        let evaluation = p.evaluations == 0 ? 0 : p.evaluationSeconds / Double(p.evaluations)
        let paperHours = Double(paper.totalSteps) * perUpdate / 3600
        let paperEvaluations = Double(paper.totalSteps / paper.evaluationInterval)
        let share = { (seconds: Double) in JSONValue.number(training > 0 ? seconds / training : 0) }
        let extra: [String: JSONValue] = [
            "algorithm": .string(algorithm), "dataset": .string(configuration.dataset), "updates": .number(Double(p.updates)),
            "updates_per_s": .number(Double(p.updates) / max(training, 1e-9)), "rollouts": .number(Double(p.rollouts)),
            "share_update": share(p.updateSeconds), "share_rollout": share(p.rolloutModelSeconds + p.rolloutStorageSeconds),
            "share_rollout_filter_penalty": share(p.rolloutFilterAndPenaltySeconds), "share_sampling": share(p.samplingSeconds),
            "share_other": share(other), "rollout_start_states": .number(Double(configuration.rolloutBatchSize)),
            "rollout_horizon": .number(Double(configuration.rolloutHorizon)), "rollout_interval": .number(Double(configuration.rolloutInterval)),
            "real_ratio": .number(configuration.realRatio), "critics": .number(Double(configuration.sac.critics)),
            "evaluation_s": .number(evaluation), "paper_updates": .number(Double(paper.totalSteps)),
            "projected_paper_hours": .number(paperHours),
            "projected_paper_hours_with_evaluation": .number(paperHours + paperEvaluations * evaluation / 3600),
            "kernel": .string(BLASRuntime.coreName), "workers": .number(Double(ParallelGemm.workers)),
        ]
        return BenchmarkResult(workload: "train-\(algorithm)", medianMs: perUpdate * 1000, extra: extra)
    }

    /// A dynamics reward of 10 randomly initialised [64, 64] snapshots over `dataset`'s ranges.
    static func writeRandomReward(for dataset: OfflineDataset, to path: String, seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        let features = try DynamicsRewardFeatures(observations: dataset.observations, actions: dataset.actions)
        let snapshots = (0..<10).map { k in
            DiscriminatorSnapshot(parameters: MLP([features.width, 64, 64, 1], activation: .relu, members: 1, rng: &rng).parameterValues(),
                                  expertLogit: 1, learnerLogit: -1, step: k)
        }
        try DynamicsRewardEnsemble(features: features, hiddenSizes: [64, 64], snapshots: snapshots).save(to: path)
    }
}
