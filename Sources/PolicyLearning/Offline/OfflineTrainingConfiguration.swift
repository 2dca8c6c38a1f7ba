import Foundation

/// How much compute a run gets. Both are recorded in `config.json` as ``OfflineTrainingConfiguration/preset``.
public enum BudgetPreset: String, Codable, Sendable, CaseIterable {
    /// The papers' budget (OfflineRL-Kit's `run_mopo.py`/`run_mobile.py`: `--epoch 3000 --step-per-epoch 1000`): 3,000 epochs × 1,000 SAC
    /// updates, a 50,000-state rollout every epoch, 10 evaluation episodes every epoch, no cap on
    /// dynamics training beyond the algorithm's own.
    case paper
    /// Sized for a 2-core machine, where one SAC update takes about 10 ms and an ensemble epoch
    /// over a 1M-transition dataset one to two minutes: 50,000 updates (50 epochs), 10,000-state
    /// rollouts, 10 evaluation episodes every 2,500 updates, dynamics training capped at 30 epochs
    /// (Kit's MOBILE cap; early stopping may end it sooner), and the actor's cosine schedule laid
    /// over the paper's 3,000 epochs, so the run is the start of the paper's run. Scores after this
    /// budget are early-training numbers, not the papers' 3,000-epoch results.
    case short
}

/// Everything an ``OfflineTrainer`` run depends on: the loop's schedule, SAC, the dynamics model,
/// and the settings of the algorithm's plug-ins. Defaults are OfflineRL-Kit's (`offlinerlkit/policy_trainer/mb_policy_trainer.py`,
/// `run_example/run_mopo.py`); an ``OfflineAlgorithmRecipe`` fills an algorithm's per-task settings.
///
/// A configuration is built by one rule (``DefaultedSettings``): the recipe's configuration for
/// the dataset and preset, then JSON layers (a `--config` file, then the command line's options)
/// laid over it key by key. A key no part of the run reads is an error that names it, and
/// `config.json` holds only the settings of what ran: the loop's and, under ``plugIns``, those of
/// each installed plug-in (the base algorithm's included).
///
/// ```swift
/// var config = try OfflineAlgorithmRegistry.base.configuration(algorithm: "mobile", dataset: "hopper-medium-v2", preset: .short)
/// config = try config.applying(json: Data(#"{"totalSteps": 50000, "plugIns": {"mobile": {"samples": 5}}}"#.utf8))
/// ```
public struct OfflineTrainingConfiguration: DefaultedSettings {
    /// The algorithm's name (`mopo`, `morec-mopo`, `ravl`): the recipe that made this
    /// configuration. What runs is decided by ``plugIns``, not by this name.
    public var algorithm: String = "mbpo"
    /// A registered dataset name (`hopper-medium-v2`, `hopper-medium-orl`) or a D4RL-layout file path.
    public var dataset: String = "hopper-medium-v2"
    /// The task evaluated on; `nil` takes the registry entry's or the file's `metadata/environment`.
    public var environment: String? = nil
    /// The budget preset this configuration started from (`paper`, `short`, or `custom`).
    public var preset: String = BudgetPreset.paper.rawValue
    /// Seed of everything random in the run (Kit's default seed is 1).
    public var seed: UInt64 = 1
    /// Seed of the dynamics model's initialisation and fit; `nil` derives it from ``seed``. A value
    /// `d` gives exactly the model the run with `seed = d` fits, so runs sharing a dynamics cache
    /// set one value and the cache does not depend on which run happens to fit it first.
    public var dynamicsSeed: UInt64? = nil
    /// SAC updates in total (Kit: 3,000 epochs × 1,000).
    public var totalSteps: Int = 3_000_000
    /// Updates per epoch: the cosine schedule's unit (Kit `step_per_epoch` 1,000).
    public var stepsPerEpoch: Int = 1000
    /// Updates between model rollouts (Kit `rollout_freq` 1,000).
    public var rolloutInterval: Int = 1000
    /// Start states per rollout, drawn uniformly from the real data (Kit 50,000).
    public var rolloutBatchSize: Int = 50_000
    /// Rollout horizon h (Kit's script default 1; every recipe sets its per-task value).
    public var rolloutHorizon: Int = 5
    /// Fraction of each batch from real data (Kit `real_ratio` 0.05).
    public var realRatio: Double = 0.05
    /// Rollouts the FIFO model buffer retains (Kit `model_retain_epochs` 5).
    public var modelRetainEpochs: Int = 5
    /// Updates between evaluations (Kit: every epoch).
    public var evaluationInterval: Int = 1000
    /// Deterministic episodes per evaluation (Kit 10).
    public var evaluationEpisodes: Int = 10
    /// Updates between checkpoints; a multiple of ``evaluationInterval``.
    public var checkpointInterval: Int = 10_000
    /// Episode time limit in evaluation.
    public var maxEpisodeSteps: Int = 1000
    /// Anneal the actor's learning rate by `η_e = η₀·½(1 + cos(π e / E))` over the E epochs of
    /// the run (Kit's `CosineAnnealingLR` on the actor optimizer, stepped once per epoch).
    public var cosineActorSchedule: Bool = true
    /// The epochs the cosine schedule spans; `nil` means the run's own length. The short preset
    /// sets the paper's 3,000, so a short run trains as the first epochs of the paper's run do
    /// (actor learning rate ≈ η₀) instead of annealing to zero within its few epochs.
    public var cosineScheduleEpochs: Int? = nil
    /// The learner: Kit's offline SAC (actor lr 1e-4, critic lr 3e-4, α auto with lr 1e-4, α ≤ 1).
    public var sac: SACConfiguration = Self.offlineSAC
    /// The dynamics ensemble and its training (Kit: 7 members, 5 elites, 4×200).
    public var dynamics = DynamicsEnsembleConfiguration()
    /// Where model transitions come from: the fitted model, the true dynamics, a blend, or none (model-free).
    public var dynamicsSource: DynamicsSource = .learned
    /// Settings of the installed plug-ins by key (`mopo`, `mobile`, `morec`, `ravl`, `lipschitz`):
    /// the base algorithm's and the modules'; see ``OfflinePlugIn``.
    public var plugIns: [String: JSONValue] = [:]

    /// Kit's loop defaults with no plug-in (MBPO-style, no penalty).
    public init() {}

    /// The loop's defaults for `dataset` with no plug-in and the paper's budget; recipes start
    /// here, set their per-task values, then ``apply(_:)`` their preset.
    public init(algorithm: String, dataset: String) {
        self.algorithm = algorithm
        self.dataset = dataset
    }

    /// Sets the budget fields of `preset` (and records its name).
    public mutating func apply(_ preset: BudgetPreset) {
        self.preset = preset.rawValue
        switch preset {
        case .paper:
            totalSteps = 3_000_000
            rolloutBatchSize = 50_000
            evaluationInterval = 1000
            checkpointInterval = 10_000
        case .short:
            totalSteps = 50_000
            rolloutBatchSize = 10_000
            evaluationInterval = 2500
            checkpointInterval = 5000
            dynamics.maxEpochs = Swift.min(dynamics.maxEpochs ?? 30, 30)
            cosineScheduleEpochs = 3000
        }
    }

    /// OfflineRL-Kit's SAC for MOPO and MOBILE (`run_mopo.py`: actor lr 1e-4, critic lr 3e-4, α lr 1e-4; `SACPolicy` clamps α to at most 1).
    public static var offlineSAC: SACConfiguration {
        var sac = SACConfiguration()
        sac.actorLearningRate = 1e-4
        sac.criticLearningRate = 3e-4
        sac.alphaLearningRate = 1e-4
        sac.maximumAlpha = 1
        return sac
    }

    /// The actor's learning rate during the epoch containing `step` under the cosine schedule:
    /// `η₀·½(1 + cos(π·e/E))`, `e = ⌊step / stepsPerEpoch⌋`, `E` = ``cosineScheduleEpochs`` or
    /// else `⌈totalSteps / stepsPerEpoch⌉` (Kit's `CosineAnnealingLR`, stepped once per epoch).
    public func actorLearningRate(at step: Int) -> Float {
        let epochs = cosineScheduleEpochs ?? (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
        let epoch = step / stepsPerEpoch
        return sac.actorLearningRate * Float(0.5 * (1 + cos(Double.pi * Double(epoch) / Double(epochs))))
    }

    /// Model buffer rows: `rolloutBatchSize · h · modelRetainEpochs` (Kit's FIFO size), or
    /// `Int.max` when the product overflows (``validate()`` refuses that).
    public var modelBufferCapacity: Int {
        let (rows, overflow1) = rolloutBatchSize.multipliedReportingOverflow(by: rolloutHorizon)
        let (capacity, overflow2) = rows.multipliedReportingOverflow(by: modelRetainEpochs)
        return overflow1 || overflow2 ? .max : capacity
    }

    /// Bytes the run's largest buffers take for these widths: the model buffer (observation,
    /// action, reward, next observation, terminal, rollout step per row) and one SAC batch's
    /// activations (about eight arrays of the widest layer per critic and the actor).
    public func memoryEstimate(observationDimension o: Int, actionDimension a: Int) -> Double {
        let row = Double(2 * o + a + 3) * 4
        let widest = Double(sac.hiddenSizes.max() ?? 256)
        let batch = Double(sac.batchSize) * widest * Double(sac.critics + 1) * 8 * 4
        return (dynamicsSource == .noModel ? 0 : Double(modelBufferCapacity)) * row + batch
    }

    /// Refuses settings whose buffers would not fit in half of this machine's memory, before any work.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` with the estimate.
    public func checkMemory(observationDimension o: Int, actionDimension a: Int) throws(OfflineTrainingError) {
        let needed = memoryEstimate(observationDimension: o, actionDimension: a)
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed <= available / 2 else {
            func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / 1_073_741_824) }
            throw .invalidConfiguration(
                "the buffers would need about \(gib(needed)) (model buffer: rolloutBatchSize \(rolloutBatchSize) × rolloutHorizon \(rolloutHorizon) × modelRetainEpochs \(modelRetainEpochs) rows; SAC batch \(sac.batchSize)), more than half of this machine's \(gib(available)); lower them")
        }
    }

    /// Checks the settings; the error names the bad field.
    public func validate() throws(OfflineTrainingError) {
        func require(_ ok: Bool, _ message: String) throws(OfflineTrainingError) {
            if !ok { throw .invalidConfiguration(message) }
        }
        try require(seed <= 1 << 53 && (dynamicsSeed ?? 0) <= 1 << 53, "seed and dynamicsSeed must be at most 2^53 (JSON numbers are doubles)")
        try require(totalSteps > 0, "totalSteps must be positive, got \(totalSteps)")
        try require(stepsPerEpoch > 0 && rolloutInterval > 0, "stepsPerEpoch and rolloutInterval must be positive")
        try require(rolloutBatchSize > 0 && modelRetainEpochs > 0, "rolloutBatchSize and modelRetainEpochs must be positive")
        try require(rolloutHorizon > 0, "the rollout horizon must be positive, got \(rolloutHorizon)")
        try require(modelBufferCapacity < Int.max, "rolloutBatchSize × rolloutHorizon × modelRetainEpochs overflows (\(rolloutBatchSize) × \(rolloutHorizon) × \(modelRetainEpochs))")
        try require(realRatio.isFinite, "realRatio must be a number, got \(realRatio)")
        try require((0...1).contains(realRatio), "realRatio must be in [0, 1], got \(realRatio)")
        try require(dynamicsSource != .noModel || realRatio == 1,
                    "dynamicsSource none rolls out no model data, so realRatio must be 1, got \(realRatio)")
        try require(evaluationInterval > 0 && evaluationEpisodes > 0, "evaluationInterval and evaluationEpisodes must be positive")
        try require(checkpointInterval > 0 && checkpointInterval % evaluationInterval == 0,
                    "checkpointInterval (\(checkpointInterval)) must be a positive multiple of evaluationInterval (\(evaluationInterval))")
        try require(maxEpisodeSteps > 0, "maxEpisodeSteps must be positive")
        try require((cosineScheduleEpochs ?? 1) > 0, "cosineScheduleEpochs must be positive, got \(cosineScheduleEpochs ?? 0)")
        try require(sac.critics >= 1 && sac.batchSize >= 1, "sac.critics and sac.batchSize must be positive")
        try require(sac.batchSize <= 1 << 24 && sac.critics <= 1 << 10, "sac.batchSize (\(sac.batchSize)) and sac.critics (\(sac.critics)) are beyond any sensible size")
        for (name, value) in [("sac.actorLearningRate", sac.actorLearningRate), ("sac.criticLearningRate", sac.criticLearningRate),
                              ("sac.alphaLearningRate", sac.alphaLearningRate), ("sac.initialAlpha", sac.initialAlpha), ("sac.tau", sac.tau)] {
            try require(value.isFinite && value > 0, "\(name) must be a positive number, got \(value)")
        }
        try require((0...1).contains(sac.discount), "sac.discount must be in [0, 1], got \(sac.discount)")
        try require(sac.hiddenSizes.allSatisfy { $0 > 0 && $0 <= 1 << 16 }, "sac.hiddenSizes must be positive widths, got \(sac.hiddenSizes)")
        try require(evaluationEpisodes <= 100_000 && maxEpisodeSteps <= 10_000_000, "evaluationEpisodes or maxEpisodeSteps is beyond any sensible size")
        if let problem = sac.criticSpectralNorm?.problem(layerCount: sac.hiddenSizes.count + 1) {
            throw .invalidConfiguration("sac.criticSpectralNorm: \(problem)")
        }
        do { try dynamics.validate() } catch { throw .invalidConfiguration("dynamics: \(error)") }
    }

    /// This configuration with JSON layers laid over it in order (``DefaultedSettings``), e.g.
    /// `{"totalSteps": 50000, "plugIns": {"mopo": {"penaltyCoefficient": 1}}}`.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming an unknown key or a bad value.
    public func applying(_ layers: [JSONValue]) throws(OfflineTrainingError) -> OfflineTrainingConfiguration {
        do { return try Self.resolved(from: self, overrides: layers) } catch {
            throw .invalidConfiguration(error.description)
        }
    }

    /// This configuration with the JSON object in `json` laid over it (``applying(_:)``).
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` for text that is not a JSON
    ///   object, an unknown key or a bad value.
    public func applying(json: Data) throws(OfflineTrainingError) -> OfflineTrainingConfiguration {
        let layer: JSONValue
        do { layer = try JSONDecoder().decode(JSONValue.self, from: json) } catch {
            throw .invalidConfiguration("the configuration file is not JSON (\(error.localizedDescription))")
        }
        guard case .object = layer else { throw .invalidConfiguration("the configuration file must hold a JSON object") }
        return try applying([layer])
    }
}

/// Why an offline run cannot start or continue.
public enum OfflineTrainingError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range.
    case invalidConfiguration(String)
    /// `--algo` names no known algorithm.
    case unknownAlgorithm(name: String, known: [String])
    /// A quantity became NaN or infinite (phase, update step, which quantity).
    case nonFinite(phase: String, step: Int, quantity: String)
    /// Two plug-ins claim the same hook of the loop (two reward penalties, two target adjustments).
    case conflictingPlugIns(hook: String, first: String, second: String)
    /// The dataset's task cannot be told (a file without `metadata/environment`).
    case unknownEnvironment(dataset: String)
    /// The checkpoint does not belong to this configuration or is unreadable.
    case checkpointMismatch(file: String, reason: String)
    /// The output directory already holds a run.
    case outputExists(directory: String)
    /// A stop was requested (``StopRequest``); the run's checkpoint at `step` is written (at step 0,
    /// before any training, e.g. while waiting for another run's dynamics fit, there is none yet).
    case stopRequested(step: Int)

    /// What went wrong, without the "invalid offline training configuration" prefix of a bad setting.
    public var reason: String {
        if case let .invalidConfiguration(message) = self { return message }
        return description
    }

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "invalid offline training configuration: \(message)"
        case let .unknownAlgorithm(name, known):
            return "unknown algorithm '\(name)'; known algorithms: \(known.joined(separator: ", "))"
        case let .unknownEnvironment(dataset):
            return "cannot tell the task of \(dataset): it is not a registered dataset and has no metadata/environment; set \"environment\" in the configuration (known tasks: \(environmentNames.joined(separator: ", ")))"
        case let .nonFinite(phase, step, quantity):
            return "\(phase) at step \(step): \(quantity) became NaN or infinite; the run stops here (its last checkpoint is intact). Check the data's scale and the settings (learning rates, penalty coefficients)"
        case let .conflictingPlugIns(hook, first, second):
            return "plug-ins '\(first)' and '\(second)' both set the \(hook); a run has at most one"
        case let .checkpointMismatch(file, reason): return "cannot resume from \(file): \(reason)"
        case let .outputExists(directory):
            return "\(directory) already holds a run; pass --resume to continue it or choose another --out"
        case .stopRequested(step: 0):
            return "stopped on request before training began (nothing to checkpoint yet); continue with --resume"
        case let .stopRequested(step):
            return "stopped on request at step \(step) with its checkpoint written; continue with --resume"
        }
    }
}
