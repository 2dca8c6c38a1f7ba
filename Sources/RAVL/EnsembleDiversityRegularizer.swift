/// EDAC's ensemble diversity term (An et al. 2021, eq. 5) as RAVL's official code computes it
/// (`anyasims/edge-of-reach` `agent_training/agent.py`; <doc:ReachAwareValueLearning>): the mean pairwise cosine similarity of the critics' action-gradients,
/// added to the critic loss with weight η.
///
/// ```
/// gᵢ,b = ∂Qᵢ(s_b, a)/∂a |a = a_b                       (kept differentiable: double backward)
/// uᵢ,b = gᵢ,b / (‖gᵢ,b‖₂ + 1e-10)
/// L_div = 1/(N−1) · mean_b Σ_{i≠j} ⟨uᵢ,b, u_j,b⟩
///       = 1/(N−1) · mean_b ( ‖Σᵢ uᵢ,b‖² − Σᵢ ‖uᵢ,b‖² )        (O(N·A))
/// L_Q  = Σᵢ mean_b (Qᵢ − y)² + η · L_div
/// ```
/// Each member sees its own copy of the batch's actions (``PolicyLearning/CriticEnsemble/perMember(_:_:)``),
/// so one backward pass gives every member's own ∇ₐQᵢ. The actions are the batch's (real and
/// model rows alike), not the policy's (`agent.py:271`). With η = 0 the term is
/// skipped entirely, as in the official code (`agent.py:268`), which leaves SAC-N unchanged.
///
/// One deviation, at a single point: ‖g‖ is computed as √(Σg² + 1e-30) so that a member whose
/// action-gradient is exactly zero (all ReLUs dead) gets a zero rather than a NaN derivative;
/// its u is 0 either way, and the value differs from the official one by less than Float32
/// resolution whenever ‖g‖ > 1e-14.
///
/// ### See Also
/// - ``RAVLPlugIn``, ``RAVLSettings``
public final class EnsembleDiversityRegularizer: ActionGradientRegularizer {
    /// The weight η of the term (official default 1.0).
    public let eta: Float

    /// A regularizer with weight `eta` (≥ 0).
    public init(eta: Float) {
        precondition(eta >= 0 && eta.isFinite, "EnsembleDiversityRegularizer: η must be finite and ≥ 0, got \(eta)")
        self.eta = eta
    }

    /// `η · L_div` on the batch's states and actions, with a forward pass of its own; logs
    /// `diversity_loss` (L_div) when computed.
    public func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                     rng: inout RandomGenerator) -> Variable {
        guard eta > 0 else { return Variable(Tensor(0)) }     // agent.py:268: skipped, plain SAC-N
        return weighted(Self.diversity(critics: critics, observations: batch.observations, actions: batch.actions), &metrics)
    }

    /// `η · L_div` differentiating `q`, which the agent recorded on `memberActions` (what
    /// ``SACAgent`` calls: the TD loss's forward pass serves both terms).
    public func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, memberActions: Variable,
                     metrics: inout TrainingMetrics, rng: inout RandomGenerator) -> Variable {
        guard eta > 0 else { return Variable(Tensor(0)) }
        return weighted(Self.diversity(q: q, memberActions: memberActions), &metrics)
    }

    private func weighted(_ term: Variable, _ metrics: inout TrainingMetrics) -> Variable {
        metrics["diversity_loss"] = Double(term.scalar)
        return term * eta
    }

    /// L_div for `[B, obs]` observations and `[B, act]` actions, differentiable with respect to
    /// the critics' parameters (<doc:ReachAwareValueLearning>).
    /// - Precondition: the ensemble has at least two members.
    public static func diversity(critics: CriticEnsemble, observations: Tensor, actions: Tensor) -> Variable {
        let b = observations.shape[0]
        precondition(actions.rank == 2 && actions.shape[0] == b,
                     "EnsembleDiversityRegularizer: observations \(observations.shape) and actions \(actions.shape) disagree")
        // Per-member copies: [N, B, ·]; only the actions are differentiated.
        let memberActions = Variable(critics.memberCopies(actions), requiresGrad: true)
        let q = critics.perMember(Variable(critics.memberCopies(observations)), memberActions)        // [N, B]
        return diversity(q: q, memberActions: memberActions)
    }

    /// L_div of Q-values `q` (`[N, B]`) recorded on per-member actions `memberActions`
    /// (`[N, B, act]`, requiring gradients), differentiable with respect to the critics' parameters.
    /// - Precondition: N ≥ 2.
    public static func diversity(q: Variable, memberActions: Variable) -> Variable {
        let n = q.shape[0]
        precondition(n >= 2, "EnsembleDiversityRegularizer: the diversity term needs N ≥ 2 critics, got \(n)")
        precondition(memberActions.rank == 3 && memberActions.shape[0] == n && memberActions.shape[1] == q.shape[1],
                     "EnsembleDiversityRegularizer: q \(q.shape) was not recorded on member actions \(memberActions.shape)")
        let g = gradients(of: q.sum(), withRespectTo: [memberActions], createGraph: true)[0]          // [N, B, A]
        let norm = (g.square().sum(axis: 2, keepDims: true) + 1e-30).sqrt()                            // [N, B, 1]
        let u = g / (norm + 1e-10)                                                                     // [N, B, A]
        let pairs = u.sum(axis: 0).square().sum(axis: 1) - u.square().sum(axis: 2).sum(axis: 0)        // [B]
        return pairs.mean() / Float(n - 1)
    }
}
