import LinearAlgebra

/// Where a rollout's time goes, accumulated over calls of ``ModelRollout/run(model:startObservations:policy:filter:penalty:observers:into:rng:timer:)``
/// given this timer (the whole-loop benchmark, `orl bench train`). Without a timer the rollout
/// reads no clock.
public final class RolloutTimer {
    /// The policy's actions and the model's step (the products that should dominate).
    public private(set) var modelSeconds = 0.0
    /// The transition filter, the reward penalty and the observers.
    public private(set) var filterAndPenaltySeconds = 0.0
    /// Choosing the stored and continuing rows, staging them and writing the model buffer.
    public private(set) var storageSeconds = 0.0

    /// A timer at zero.
    public init() {}

    /// The three phases together.
    public var totalSeconds: Double { modelSeconds + filterAndPenaltySeconds + storageSeconds }

    /// A rollout phase.
    enum Phase { case model, filterAndPenalty, storage }

    /// Adds the time since `start` to `phase` and returns the clock reading.
    func lap(_ phase: Phase, since start: Double) -> Double {
        let now = monotonicSeconds()
        switch phase {
        case .model: modelSeconds += now - start
        case .filterAndPenalty: filterAndPenaltySeconds += now - start
        case .storage: storageSeconds += now - start
        }
        return now
    }
}
