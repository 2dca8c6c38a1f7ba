/// A penalty on the norm of each critic's input gradient (Gulrajani et al. 2017; Blondé et al.
/// 2022's form), trained by double backward (<doc:LipschitzRegularization>).
///
/// ```
/// nᵢ,b = ‖∇_x Qᵢ(x̃_b)‖₂,   x = [s, a] (or s),   x̃ = the batch's points or interpolates
/// P = Σᵢ mean_b ψ(nᵢ,b),   ψ(n) = max(0, n − k)² (one-sided) or (n − k)² (two-sided)
/// L_GP = λ·P;   ∂P/∂θ through the recorded input gradient (createGraph)
/// ```
/// The sum over critics matches the TD loss's (each critic's penalty trains that critic only).
/// With ReLU critics φ″ = 0, so the bias gradients of P vanish.
public final class GradientPenalty: CriticRegularizer {
    /// The settings.
    public let settings: GradientPenaltySettings

    /// Creates the penalty.
    public init(settings: GradientPenaltySettings) { self.settings = settings }

    /// The rows the gradient is taken at: the batch itself, or interpolates with random partners.
    public func points(observations: Tensor, actions: Tensor, rng: inout RandomGenerator) -> (observations: Tensor, actions: Tensor) {
        guard settings.points == .interpolates else { return (observations, actions) }
        let b = observations.shape[0]
        let partner = rng.permutation(b)
        let es = Tensor.uniform([b, 1], rng: &rng), ea = Tensor.uniform([b, 1], rng: &rng)   // independent per block
        return (es * observations + (1 - es) * observations.gather(partner, axis: 0),
                ea * actions + (1 - ea) * actions.gather(partner, axis: 0))
    }

    /// The unweighted penalty P (differentiable in the critics' parameters) and the norms `[N, B]`.
    public func penalty(critics: CriticEnsemble, observations: Tensor, actions: Tensor) -> (value: Variable, norms: Tensor) {
        let withActions = settings.inputs == .stateAction
        let (_, gs, ga) = criticInputGradients(critics, observations: observations, actions: actions,
                                               createGraph: true, wantActions: withActions)
        var squared = gs.square().sum(axis: 2)                                                  // [N, B]
        if let ga { squared = squared + ga.square().sum(axis: 2) }
        let norms = (squared + 1e-12).sqrt()
        let excess = norms - settings.target
        let psi = settings.sides == .one ? excess.relu().square() : excess.square()
        return (psi.mean(axis: 1).sum(), norms.value)
    }

    /// `λ·P`; logs `lipschitz_gradient_penalty` (unweighted P) and `lipschitz_penalty_grad_norm`
    /// (mean norm at the penalty's points).
    public func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                     rng: inout RandomGenerator) -> Variable {
        let (o, a) = points(observations: batch.observations, actions: batch.actions, rng: &rng)
        let (p, norms) = penalty(critics: critics, observations: o, actions: a)
        metrics["lipschitz_gradient_penalty"] = Double(p.scalar)
        metrics["lipschitz_penalty_grad_norm"] = Double(norms.mean())
        return p * settings.weight
    }
}
