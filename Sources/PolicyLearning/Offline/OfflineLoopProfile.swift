import DynamicsModels

/// Where an ``OfflineTrainer``'s time went since it was created (this process only; not
/// checkpointed): the whole-loop benchmark `orl bench train` reads it. Every phase is timed with a
/// monotonic clock around whole calls, a few readings per update, so it is always on.
public struct OfflineLoopProfile: Sendable, Equatable {
    /// Updates timed.
    public var updates = 0
    /// Rollout calls timed.
    public var rollouts = 0
    /// Evaluations timed.
    public var evaluations = 0
    /// The learner's updates (SAC with its plug-ins: penalties, targets, regularizers).
    public var updateSeconds = 0.0
    /// Drawing the mixed real/model batches.
    public var samplingSeconds = 0.0
    /// Rollouts: drawing the start states, the policy and the model.
    public var rolloutModelSeconds = 0.0
    /// Rollouts: the transition filter, the reward penalty and the observers.
    public var rolloutFilterAndPenaltySeconds = 0.0
    /// Rollouts: selecting, staging and storing the rows.
    public var rolloutStorageSeconds = 0.0
    /// Evaluation episodes and their log rows.
    public var evaluationSeconds = 0.0
    /// Checkpoints and the final agent.
    public var checkpointSeconds = 0.0
    /// The whole loop, everything above and the rest (metrics, progress reports).
    public var loopSeconds = 0.0

    /// A profile at zero.
    public init() {}

    /// All rollout phases.
    public var rolloutSeconds: Double { rolloutModelSeconds + rolloutFilterAndPenaltySeconds + rolloutStorageSeconds }

    /// The training loop without evaluations and checkpoints: what an update costs with its share
    /// of rollouts and sampling.
    public var trainingSeconds: Double { loopSeconds - evaluationSeconds - checkpointSeconds }
}
