/// An extra term of the critic loss: EDAC/RAVL's diversity term, a gradient penalty, a smoothness
/// loss on perturbed states. The agent adds every regularizer's loss to the TD loss.
public protocol CriticRegularizer: AnyObject {
    /// The loss term for this batch.
    /// - Parameters:
    ///   - critics: the critic ensemble being trained.
    ///   - batch: the minibatch.
    ///   - q: the critics' Q-values on the batch, `[N, B]`, already recorded for differentiation.
    ///   - metrics: statistics to log (add your own keys).
    ///   - rng: the generator for any randomness.
    func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
              rng: inout RandomGenerator) -> Variable
}

/// A ``CriticRegularizer`` that differentiates the critics with respect to the batch's own actions,
/// member by member (EDAC's diversity term). When one is installed, ``SACAgent`` records the TD
/// loss's Q-values on per-member copies of the actions and hands both over, so the term
/// differentiates that forward pass instead of running the N critics a second time (of EDAC's
/// update, about a tenth of the work).
public protocol ActionGradientRegularizer: CriticRegularizer {
    /// The loss term, as ``CriticRegularizer/loss(critics:batch:q:metrics:rng:)``, where `q`
    /// (`[N, B]`) was recorded on `memberActions`: `[N, B, act]`, member i's copy of the batch's
    /// actions in row i, requiring gradients.
    func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, memberActions: Variable,
              metrics: inout TrainingMetrics, rng: inout RandomGenerator) -> Variable
}

/// A rewrite of the critic's bootstrapped targets before the TD loss (MOBILE's Bellman-inconsistency
/// penalty subtracts a multiple of the spread of target values across model samples).
public protocol TargetAdjustment: AnyObject {
    /// Whether ``adjust(_:batch:agent:metrics:rng:)`` overwrites the targets without reading them
    /// (MOBILE's deterministic backup). The agent then does not compute SAC's soft targets; it
    /// still draws their next-action noise, so a seed gives the same run either way. Default `false`.
    var replacesTargets: Bool { get }
    /// Adjusts `targets` (`[B]`) in place.
    func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                rng: inout RandomGenerator)
}

extension TargetAdjustment {
    public var replacesTargets: Bool { false }
}
