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

    /// Allocates a batch of `batchSize` rows.
    public init(batchSize: Int, observationDimension: Int, actionDimension: Int) {
        observations = .zeros([batchSize, observationDimension])
        actions = .zeros([batchSize, actionDimension])
        rewards = .zeros([batchSize])
        nextObservations = .zeros([batchSize, observationDimension])
        terminals = .zeros([batchSize])
    }

    /// The number of rows.
    public var batchSize: Int { rewards.count }
}
