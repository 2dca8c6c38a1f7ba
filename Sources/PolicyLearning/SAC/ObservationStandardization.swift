/// A network's input standardization `ŝ = (s − mean) / std` with the dataset's statistics, held as
/// frozen parameters so that checkpoints carry them (a policy evaluated from `final.h5` sees the
/// states it was trained on) and no optimizer changes them.
///
/// OfflineRL-Kit standardizes the states of its RAMBO and TD3+BC runs in the replay buffer
/// (`buffer.normalize_obs()`, population std + 1e-3) and hands the evaluation environment's states
/// through the same statistics; applying them at the networks' inputs instead keeps raw states
/// everywhere else (model rollouts, termination rules, the buffers), so every caller of the actor
/// and critics (regularizers, plug-ins, evaluation) gets the same map without knowing of it.
public final class ObservationStandardization: Module {
    /// Per-feature means, `[obs]` (frozen).
    public let mean: Variable
    /// Per-feature standard deviations, epsilon included, `[obs]` (frozen).
    public let std: Variable

    /// The map for `normalizer`'s statistics.
    public init(_ normalizer: Normalizer) {
        mean = Variable(Tensor(normalizer.mean))
        std = Variable(Tensor(normalizer.std))
        super.init()
        freeze()
    }

    /// The identity for `dimension` features: a placeholder whose statistics a checkpoint loads.
    public convenience init(dimension: Int) {
        self.init(Normalizer(mean: [Float](repeating: 0, count: dimension), std: [Float](repeating: 1, count: dimension)))
    }

    /// `(s − mean) / std` along the last axis of `[B, obs]` or `[N, B, obs]` states; differentiable
    /// with respect to the states (input-gradient regularizers and attacks see raw units).
    public func callAsFunction(_ observations: Variable) -> Variable {
        let o = mean.shape[0]
        precondition(observations.shape[observations.rank - 1] == o,
                     "ObservationStandardization: states \(observations.shape), statistics for \(o) features")
        let shape = [Int](repeating: 1, count: observations.rank - 1) + [o]
        return (observations - mean.reshaped(shape)) / std.reshaped(shape)
    }
}
