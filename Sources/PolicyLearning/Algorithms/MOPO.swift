/// MOPO: model-based offline policy optimization (Yu et al. 2020, "MOPO: Model-based Offline
/// Policy Optimization", NeurIPS), as OfflineRL-Kit runs it (`offlinerlkit/policy/model_based/mopo.py`,
/// `run_example/run_mopo.py`; research/infrastructure.md §3.3, §3.6).
///
/// MOPO is SAC on a mix of real and model data whose model rewards carry an uncertainty penalty,
/// applied as the rollout stores them (``DynamicsModels/MOPOPenalty``, §4 eq. (5)):
/// ```
/// r̃(s, a) = r(s, a) − λ·u(s, a),   u(s, a) = max_e ‖σ_e(s, a)‖₂   (§4.3, Kit "aleatoric")
/// ```
/// Everything else (rollouts of horizon h every 1000 steps, 5 % real data, SAC with Kit's
/// offline settings) is the shared loop of ``OfflineTrainer``.
///
/// ```swift
/// let mopo = MOPOConfiguration.suggested(for: "hopper-medium-v2")   // h = 5, λ = 5
/// ```
public struct MOPOConfiguration: Codable, Sendable, Equatable {
    /// λ, the penalty weight (Kit's script default 2.5; per task in ``tasks``).
    public var penaltyCoefficient: Float = 2.5
    /// Rollout horizon h (Kit's script default 1; per task in ``tasks``).
    public var rolloutHorizon: Int = 1
    /// Fraction of each batch from real data (Kit `real_ratio` 0.05).
    public var realRatio: Double = 0.05

    /// The script defaults (h = 1, λ = 2.5, 5 % real data).
    public init() {}

    /// Creates a configuration.
    public init(penaltyCoefficient: Float, rolloutHorizon: Int) {
        self.penaltyCoefficient = penaltyCoefficient
        self.rolloutHorizon = rolloutHorizon
    }

    /// The reward penalty MOPO adds to rollouts.
    public var penalty: MOPOPenalty { MOPOPenalty(coefficient: penaltyCoefficient) }

    /// Kit's "suggested hypers" per D4RL task (run_mopo.py; infrastructure.md §3.6), keyed by
    /// `environment-quality` (the dataset name without its `-v2`/`-orl` suffix).
    public static let tasks: [String: MOPOConfiguration] = [
        "halfcheetah-medium": .init(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "hopper-medium": .init(penaltyCoefficient: 5.0, rolloutHorizon: 5),
        "walker2d-medium": .init(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "halfcheetah-medium-replay": .init(penaltyCoefficient: 0.5, rolloutHorizon: 5),
        "hopper-medium-replay": .init(penaltyCoefficient: 2.5, rolloutHorizon: 5),
        "walker2d-medium-replay": .init(penaltyCoefficient: 2.5, rolloutHorizon: 1),
        "halfcheetah-medium-expert": .init(penaltyCoefficient: 2.5, rolloutHorizon: 5),
        "hopper-medium-expert": .init(penaltyCoefficient: 5.0, rolloutHorizon: 5),
        "walker2d-medium-expert": .init(penaltyCoefficient: 2.5, rolloutHorizon: 1),
    ]

    /// The task's settings from ``tasks``, or the script defaults for other datasets.
    public static func suggested(for dataset: String) -> MOPOConfiguration {
        tasks[taskKey(dataset)] ?? MOPOConfiguration()
    }
}

/// `hopper-medium-v2`, `hopper-medium-orl`, `.../hopper_medium-v2.hdf5` → `hopper-medium`: the key
/// of the per-task tables.
public func taskKey(_ dataset: String) -> String {
    var name = dataset.split(separator: "/").last.map(String.init) ?? dataset
    name = name.lowercased().replacingOccurrences(of: "_", with: "-")
    for ext in [".hdf5", ".h5"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
    var parts = name.split(separator: "-").map(String.init)
    if let last = parts.last, parts.count > 1,
       last == "orl" || (last.hasPrefix("v") && last.dropFirst().allSatisfy(\.isNumber) && last.count > 1) {
        parts.removeLast()
    }
    return parts.joined(separator: "-")
}
