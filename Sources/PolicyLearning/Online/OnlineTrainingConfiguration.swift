/// Settings of online SAC training in an environment (the behaviour policies of the generated
/// datasets are trained this way). Defaults follow SAC's paper and Spinning Up: 10,000 uniformly
/// random actions first, one update per environment step from step 1,000 on.
public struct OnlineTrainingConfiguration: DefaultedSettings {
    /// Task name for ``makeEnvironment(named:maxEpisodeSteps:assets:)``.
    public var environment: String = "halfcheetah"
    /// Environment steps in total.
    public var totalSteps: Int = 1_000_000
    /// Steps taken with uniformly random actions before the policy acts.
    public var randomSteps: Int = 10_000
    /// Steps before the first gradient update; then one update per step.
    public var updateAfter: Int = 1_000
    /// Steps between evaluations.
    public var evaluationInterval: Int = 10_000
    /// Deterministic episodes per evaluation.
    public var evaluationEpisodes: Int = 10
    /// Steps between checkpoints (written at the next episode end).
    public var checkpointInterval: Int = 10_000
    /// Save the actor at every evaluation under `snapshots/` (for picking behaviour policies).
    public var saveSnapshots: Bool = false
    /// Time limit of an episode.
    public var maxEpisodeSteps: Int = 1000
    /// Replay capacity; at least `totalSteps` keeps the whole history (replay datasets need it).
    public var replayCapacity: Int = 1_000_000
    /// Seed of everything random in the run.
    public var seed: UInt64 = 0
    /// The learner's hyperparameters.
    public var sac = SACConfiguration()

    /// The defaults.
    public init() {}

    /// Checks the settings; the error names the bad field.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw TrainingError.invalidConfiguration(message) }
        }
        try require(totalSteps > 0, "totalSteps must be positive, got \(totalSteps)")
        try require(evaluationInterval > 0 && checkpointInterval > 0, "evaluation and checkpoint intervals must be positive")
        try require(evaluationEpisodes > 0, "evaluationEpisodes must be positive")
        try require(replayCapacity > 0 && maxEpisodeSteps > 0, "replayCapacity and maxEpisodeSteps must be positive")
        try require(sac.critics >= 1 && sac.batchSize >= 1, "sac.critics and sac.batchSize must be positive")
        try require(!sac.standardizeObservations,
                    "sac.standardizeObservations standardizes with a dataset's state statistics; online SAC has no dataset")
    }
}

/// Why training cannot start or continue.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range (the message names it).
    case invalidConfiguration(String)
    /// The checkpoint cannot be resumed with these settings.
    case checkpointMismatch(file: String, reason: String)
    /// The folder already holds a run and `resume` was not asked for.
    case outputExists(directory: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "invalid training configuration: \(message)"
        case let .checkpointMismatch(file, reason): return "cannot resume from \(file): \(reason)"
        case let .outputExists(directory):
            return "\(directory) already holds a run; pass --resume to continue it or choose another --out"
        }
    }
}
