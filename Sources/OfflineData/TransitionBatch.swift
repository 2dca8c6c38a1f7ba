/// A preallocated batch of transitions that samplers fill in place, so training loops sample
/// without allocating: make one per batch size and reuse it every step.
public struct TransitionBatch: Sendable {
    /// `[B, obs]`.
    public var observations: Tensor
    /// `[B, act]`.
    public var actions: Tensor
    /// `[B]`.
    public var rewards: Tensor
    /// `[B, obs]`.
    public var nextObservations: Tensor
    /// `[B]`, 0 or 1.
    public var terminals: Tensor
    /// `[B]`: the model-rollout step each row was made at, −1 for real data
    /// (``ReplayBuffer/rolloutSteps``).
    public var rolloutSteps: [Int32]

    /// Allocates a batch of `batchSize` rows.
    public init(batchSize: Int, observationDimension: Int, actionDimension: Int) {
        observations = .zeros([batchSize, observationDimension])
        actions = .zeros([batchSize, actionDimension])
        rewards = .zeros([batchSize])
        nextObservations = .zeros([batchSize, observationDimension])
        terminals = .zeros([batchSize])
        rolloutSteps = [Int32](repeating: -1, count: batchSize)
    }

    /// The number of rows.
    public var batchSize: Int { rewards.count }
}
