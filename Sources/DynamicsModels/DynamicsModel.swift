/// A model of the environment's transition: given states and actions, it samples next states,
/// rewards and termination flags — the one operation every model-based offline algorithm
/// (MBPO, MOPO, MOBILE, MOREC, RAVL) rolls out.
///
/// Conforming types: ``DynamicsEnsemble`` (the probabilistic ensemble of OfflineRL-Kit, or its
/// one-member deterministic variant) and ``TrueDynamics`` (the real simulator, an oracle).
///
/// ```swift
/// let step = model.step(observations, actions, rng: &rng)          // [B, obs], [B, act]
/// step.nextObservations   // [B, obs]
/// step.rewards            // [B]
/// step.terminals          // [B], 0 or 1
/// let candidates = model.sampleElites(observations, actions, samples: 10, rng: &rng)
/// candidates.nextObservations   // [10, elites, B, obs] (MOBILE's `sample_next_obss`)
/// ```
///
/// ### See Also
/// - ``ModelStep``, ``EliteSamples``, ``ModelRollout``
public protocol DynamicsModel: AnyObject {
    /// Observation width.
    var observationDimension: Int { get }
    /// Action width.
    var actionDimension: Int { get }
    /// How many members ``sampleElites(_:_:samples:rng:)`` returns per sample.
    var eliteCount: Int { get }

    /// Samples one transition per row.
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - memberStatistics: also return every member's mean and standard deviation (needed by
    ///     uncertainty penalties such as ``MOPOPenalty``); a model may skip evaluating members it
    ///     does not sample from when this is `false`, without changing the sampled transition.
    ///   - rng: the generator for every random draw.
    /// - Returns: next observations, rewards, terminals and, when asked, member statistics.
    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool,
              rng: inout RandomGenerator) -> ModelStep

    /// Draws `samples` next states and rewards from every elite member for each row
    /// (OfflineRL-Kit `EnsembleDynamics.sample_next_obss`, used by MOBILE's Bellman-inconsistency
    /// penalty and by MOREC's candidate transitions).
    ///
    /// - Returns: ``EliteSamples`` with `nextObservations [samples, elites, B, obs]` and
    ///   `rewards [samples, elites, B]`.
    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int,
                      rng: inout RandomGenerator) -> EliteSamples
}

extension DynamicsModel {
    /// ``step(_:_:memberStatistics:rng:)`` with member statistics.
    public func step(_ observations: Tensor, _ actions: Tensor, rng: inout RandomGenerator) -> ModelStep {
        step(observations, actions, memberStatistics: true, rng: &rng)
    }
}

/// One sampled model transition per row, and optionally the members' predictive statistics.
public struct ModelStep: Sendable {
    /// s', `[B, obs]`.
    public var nextObservations: Tensor
    /// r, `[B]` (the model's reward; penalties are applied by the rollout).
    public var rewards: Tensor
    /// done, `[B]`, 0 or 1, from the model's termination function.
    public var terminals: Tensor
    /// Every member's mean of `[s', r]` (observation already added to the predicted Δs),
    /// `[E, B, obs + 1]`, reward last; `nil` when not asked for.
    public var memberMeans: Tensor?
    /// Every member's standard deviation of `[s', r]`, `[E, B, obs + 1]`; zeros for a
    /// deterministic model; `nil` when not asked for.
    public var memberStandardDeviations: Tensor?

    /// Creates a step.
    public init(nextObservations: Tensor, rewards: Tensor, terminals: Tensor, memberMeans: Tensor? = nil,
                memberStandardDeviations: Tensor? = nil) {
        self.nextObservations = nextObservations
        self.rewards = rewards
        self.terminals = terminals
        self.memberMeans = memberMeans
        self.memberStandardDeviations = memberStandardDeviations
    }

    /// The number of rows.
    public var count: Int { rewards.count }
}

/// Several samples per row from each elite member (see ``DynamicsModel/sampleElites(_:_:samples:rng:)``).
public struct EliteSamples: Sendable {
    /// `[samples, elites, B, obs]`.
    public var nextObservations: Tensor
    /// `[samples, elites, B]`.
    public var rewards: Tensor

    /// Creates the samples.
    public init(nextObservations: Tensor, rewards: Tensor) {
        self.nextObservations = nextObservations
        self.rewards = rewards
    }
}
