import Foundation

/// The model-based offline algorithms the shared loop runs.
public enum OfflineAlgorithm: String, Codable, Sendable, CaseIterable {
    /// Yu et al. 2020 (``MOPOConfiguration``).
    case mopo
    /// Sun et al. 2023 (``MOBILEConfiguration``).
    case mobile
    /// No penalty (Janner et al. 2019, ``MBPOConfiguration``): the base of RAVL.
    case mbpo

    /// The algorithm called `name` (case-insensitive).
    /// - Throws: ``OfflineTrainingError/unknownAlgorithm(name:known:)`` listing the known names.
    public init(named name: String) throws(OfflineTrainingError) {
        guard let value = Self(rawValue: name.lowercased()) else {
            throw .unknownAlgorithm(name: name, known: Self.allCases.map(\.rawValue))
        }
        self = value
    }
}

/// How much compute a run gets. Both are recorded in `config.json` as ``OfflineTrainingConfiguration/preset``.
public enum BudgetPreset: String, Codable, Sendable, CaseIterable {
    /// The papers' budget (OfflineRL-Kit, infrastructure.md §3.5): 3,000 epochs × 1,000 SAC
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
/// and the algorithms' hyper-parameters. Defaults are OfflineRL-Kit's (research/infrastructure.md
/// §3.3, §3.5); ``init(algorithm:dataset:preset:)`` fills the per-task settings of §3.6/§3.7.
///
/// ```swift
/// var config = OfflineTrainingConfiguration(algorithm: .mobile, dataset: "hopper-medium-v2", preset: .short)
/// config.seed = 3
/// config = try config.applying(json: Data(#"{"totalSteps": 50000, "mobile": {"samples": 5}}"#.utf8))
/// ```
public struct OfflineTrainingConfiguration: Codable, Sendable, Equatable {
    /// The base algorithm whose penalty is installed.
    public var algorithm: OfflineAlgorithm = .mopo
    /// The name the run goes by (`morec-mopo`, `ravl`); `nil` means ``algorithm``'s.
    public var name: String? = nil
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
    /// MOPO's hyper-parameters (used when ``algorithm`` is `.mopo`).
    public var mopo = MOPOConfiguration()
    /// MOBILE's hyper-parameters (used when ``algorithm`` is `.mobile`).
    public var mobile = MOBILEConfiguration()
    /// MBPO's (used when ``algorithm`` is `.mbpo`).
    public var mbpo = MBPOConfiguration()
    /// Where model transitions come from: the fitted model, the true dynamics, or a blend.
    public var dynamicsSource: DynamicsSource = .learned
    /// Settings of plug-in modules by key (`morec`, `ravl`, `lipschitz`); see ``OfflinePlugIn``.
    public var plugIns: [String: JSONValue] = [:]

    /// Kit's defaults for `hopper-medium-v2` with MOPO's script settings.
    public init() {}

    /// The configuration for `algorithm` on `dataset` under `preset`: the task's per-dataset
    /// settings (infrastructure.md §3.6 for MOPO, §3.7 for MOBILE, including MOBILE's fixed α and
    /// dynamics epoch caps) and the preset's budget.
    public init(algorithm: OfflineAlgorithm, dataset: String, preset: BudgetPreset = .paper) {
        self.algorithm = algorithm
        self.dataset = dataset
        switch algorithm {
        case .mopo:
            mopo = MOPOConfiguration.suggested(for: dataset)
        case .mobile:
            let task = MOBILEConfiguration.suggested(for: dataset)
            mobile = task.configuration
            if let alpha = task.fixedAlpha {
                sac.automaticEntropyTuning = false
                sac.initialAlpha = alpha
            }
            dynamics.maxEpochs = task.dynamicsMaxEpochs
        case .mbpo:
            break
        }
        apply(preset)
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

    /// OfflineRL-Kit's SAC for MOPO and MOBILE (infrastructure.md §3.5).
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

    /// The name the run goes by: ``name``, else the base algorithm's.
    public var displayName: String { name ?? algorithm.rawValue }

    /// The active algorithm's rollout horizon h.
    public var rolloutHorizon: Int {
        get {
            switch algorithm {
            case .mopo: return mopo.rolloutHorizon
            case .mobile: return mobile.rolloutHorizon
            case .mbpo: return mbpo.rolloutHorizon
            }
        }
        set {
            switch algorithm {
            case .mopo: mopo.rolloutHorizon = newValue
            case .mobile: mobile.rolloutHorizon = newValue
            case .mbpo: mbpo.rolloutHorizon = newValue
            }
        }
    }
    /// The active algorithm's real-data fraction.
    public var realRatio: Double {
        get {
            switch algorithm {
            case .mopo: return mopo.realRatio
            case .mobile: return mobile.realRatio
            case .mbpo: return mbpo.realRatio
            }
        }
        set {
            switch algorithm {
            case .mopo: mopo.realRatio = newValue
            case .mobile: mobile.realRatio = newValue
            case .mbpo: mbpo.realRatio = newValue
            }
        }
    }
    /// Model buffer rows: `rolloutBatchSize · h · modelRetainEpochs` (Kit's FIFO size).
    public var modelBufferCapacity: Int { rolloutBatchSize * rolloutHorizon * modelRetainEpochs }

    /// Checks the settings; the error names the bad field.
    public func validate() throws(OfflineTrainingError) {
        func require(_ ok: Bool, _ message: String) throws(OfflineTrainingError) {
            if !ok { throw .invalidConfiguration(message) }
        }
        try require(totalSteps > 0, "totalSteps must be positive, got \(totalSteps)")
        try require(stepsPerEpoch > 0 && rolloutInterval > 0, "stepsPerEpoch and rolloutInterval must be positive")
        try require(rolloutBatchSize > 0 && modelRetainEpochs > 0, "rolloutBatchSize and modelRetainEpochs must be positive")
        try require(rolloutHorizon > 0, "the rollout horizon must be positive, got \(rolloutHorizon)")
        try require((0...1).contains(realRatio), "realRatio must be in [0, 1], got \(realRatio)")
        try require(evaluationInterval > 0 && evaluationEpisodes > 0, "evaluationInterval and evaluationEpisodes must be positive")
        try require(checkpointInterval > 0 && checkpointInterval % evaluationInterval == 0,
                    "checkpointInterval (\(checkpointInterval)) must be a positive multiple of evaluationInterval (\(evaluationInterval))")
        try require(maxEpisodeSteps > 0, "maxEpisodeSteps must be positive")
        try require((cosineScheduleEpochs ?? 1) > 0, "cosineScheduleEpochs must be positive, got \(cosineScheduleEpochs ?? 0)")
        try require(sac.critics >= 1 && sac.batchSize >= 1, "sac.critics and sac.batchSize must be positive")
        try require(mobile.samples >= 1, "mobile.samples must be positive")
        do { try dynamics.validate() } catch { throw .invalidConfiguration("dynamics: \(error)") }
    }

    /// A configuration read from a file written by this or an earlier version of the library:
    /// keys the file lacks (fields added since) take today's defaults, so runs resume and agents
    /// load across upgrades. Unknown keys are still refused. An optional field the file lacks was
    /// `nil` when written (the encoder omits `nil`), so it stays `nil` even where today's default
    /// is not (RAVL's unclamped `sac.maximumAlpha` against offline SAC's 1).
    public static func decoding(_ data: Data) throws -> OfflineTrainingConfiguration {
        guard var saved = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return try OfflineTrainingConfiguration().applying(json: data)
        }
        for path in optionalKeys {
            fillAbsent(path.split(separator: ".").map(String.init)[...], in: &saved)
        }
        return try OfflineTrainingConfiguration().applying(json: JSONSerialization.data(withJSONObject: saved))
    }

    /// Sets the key at `path` to JSON `null` where the object holds its parent but not the key.
    private static func fillAbsent(_ path: ArraySlice<String>, in object: inout [String: Any]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            if object[key] == nil { object[key] = NSNull() }
        } else if var child = object[key] as? [String: Any] {
            fillAbsent(path.dropFirst(), in: &child)
            object[key] = child
        }
    }

    /// Optional fields, which the encoder leaves out when `nil`, as dotted paths (`sac.maximumAlpha`)
    /// at any depth of nested settings, found by reflection so that a field added later is not
    /// missed. The coding keys are the property names (synthesized `Codable`).
    private static let optionalKeys = optionalFieldPaths(of: OfflineTrainingConfiguration(), prefix: "")

    private static func optionalFieldPaths(of value: Any, prefix: String) -> Set<String> {
        var paths: Set<String> = []
        for field in Mirror(reflecting: value).children {
            guard let label = field.label else { continue }
            switch Mirror(reflecting: field.value).displayStyle {
            case .optional: paths.insert(prefix + label)
            case .struct: paths.formUnion(optionalFieldPaths(of: field.value, prefix: prefix + label + "."))
            default: break
            }
        }
        return paths
    }

    /// This configuration with the keys of a JSON object replaced (nested objects merge key by
    /// key), e.g. `{"totalSteps": 50000, "mopo": {"penaltyCoefficient": 1}}`.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming an unknown key or a bad value.
    public func applying(json: Data) throws -> OfflineTrainingConfiguration {
        let encoder = JSONEncoder()
        guard var base = try JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any] else {
            throw OfflineTrainingError.invalidConfiguration("cannot encode the configuration")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: json) } catch {
            throw OfflineTrainingError.invalidConfiguration("the configuration file is not JSON (\(error.localizedDescription))")
        }
        guard let overrides = parsed as? [String: Any] else {
            throw OfflineTrainingError.invalidConfiguration("the configuration file must hold a JSON object")
        }
        try Self.merge(overrides, into: &base, path: "")
        do {
            return try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: base))
        } catch {
            throw OfflineTrainingError.invalidConfiguration("bad value in the configuration file: \(error)")
        }
    }

    private static func merge(_ overrides: [String: Any], into base: inout [String: Any], path: String) throws {
        // Optional fields that are nil are absent from the encoded base; accept them by name.
        for (key, value) in overrides {
            let name = path.isEmpty ? key : path + "." + key
            if name.hasPrefix("plugIns.") {
                if let nested = value as? [String: Any], var inner = base[key] as? [String: Any] {
                    try merge(nested, into: &inner, path: name)
                    base[key] = inner
                } else {
                    base[key] = value
                }
            } else if let nested = value as? [String: Any], var inner = base[key] as? [String: Any] {
                try merge(nested, into: &inner, path: name)
                base[key] = inner
            } else if base[key] != nil || optionalKeys.contains(name) {
                base[key] = value
            } else {
                throw OfflineTrainingError.invalidConfiguration(
                    "unknown key '\(name)'; known keys here: \(base.keys.sorted().joined(separator: ", "))")
            }
        }
    }
}

/// Why an offline run cannot start or continue.
public enum OfflineTrainingError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range.
    case invalidConfiguration(String)
    /// `--algo` names no known algorithm.
    case unknownAlgorithm(name: String, known: [String])
    /// The dataset's task cannot be told (a file without `metadata/environment`).
    case unknownEnvironment(dataset: String)
    /// The checkpoint does not belong to this configuration or is unreadable.
    case checkpointMismatch(file: String, reason: String)
    /// The output directory already holds a run.
    case outputExists(directory: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "invalid offline training configuration: \(message)"
        case let .unknownAlgorithm(name, known):
            return "unknown algorithm '\(name)'; known algorithms: \(known.joined(separator: ", "))"
        case let .unknownEnvironment(dataset):
            return "cannot tell the task of \(dataset): it is not a registered dataset and has no metadata/environment; set \"environment\" in the configuration (known tasks: \(environmentNames.joined(separator: ", ")))"
        case let .checkpointMismatch(file, reason): return "cannot resume from \(file): \(reason)"
        case let .outputExists(directory):
            return "\(directory) already holds a run; pass --resume to continue it or choose another --out"
        }
    }
}
