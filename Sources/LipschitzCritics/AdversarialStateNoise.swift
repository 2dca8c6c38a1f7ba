/// The robust loss of Zheng et al. (2023, mechanism ii): the critics' change under a worst-case
/// state perturbation inside a small ℓ∞ ball, added to the critic loss (<doc:LipschitzRegularization>).
///
/// ```
/// δ₀ ~ U(−ε⊙σ_s, ε⊙σ_s)                                   (random start; the gradient is 0 at δ = 0)
/// repeat K times (K = 1: FGSM):
///     g ← ∇_δ Σᵢ,b (Qᵢ(s_b + δᵢ,b, a_b) − Qᵢ(s_b, a_b))²     (input gradient only, no θ-gradient)
///     δ ← clip(δ + α·sign(g), −ε⊙σ_s, ε⊙σ_s)
/// L_rob = λ · Σᵢ mean_b (Qᵢ(s_b + δ*ᵢ,b, a_b) − Qᵢ(s_b, a_b))²     δ* held constant (Danskin)
/// ```
/// Each critic i gets its own perturbation δᵢ (per-member inputs), so the loss composes with any
/// ensemble size. σ_s is the dataset's per-dimension state standard deviation, so ε is in
/// normalized state units. The attack's forward passes do not advance spectral-norm power iteration.
public final class AdversarialStateNoise: CriticRegularizer {
    /// The settings.
    public let settings: AdversarialNoiseSettings
    /// σ_s, `[obs]`: one normalized unit of each state dimension.
    public let stateScale: Tensor

    /// Creates the regularizer.
    /// - Parameters:
    ///   - settings: ε, attack, weight.
    ///   - stateScale: the per-dimension state standard deviation, `[obs]`, all ≥ 0.
    public init(settings: AdversarialNoiseSettings, stateScale: Tensor) {
        precondition(stateScale.rank == 1, "AdversarialStateNoise: stateScale must be [obs], got \(stateScale.shape)")
        self.settings = settings
        self.stateScale = stateScale
    }

    /// The perturbation δ* of every critic and row, `[N, B, obs]`, with |δⱼ| ≤ ε·σⱼ.
    /// - Parameters:
    ///   - critics: the ensemble attacked.
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - cleanQ: Qᵢ(s, a), `[N, B]`.
    ///   - rng: draws the random start.
    public func perturbation(critics: CriticEnsemble, observations: Tensor, actions: Tensor, cleanQ: Tensor,
                             rng: inout RandomGenerator) -> Tensor {
        let n = critics.members, b = observations.shape[0], d = observations.shape[1]
        precondition(d == stateScale.count, "AdversarialStateNoise: observations have \(d) columns, stateScale \(stateScale.count)")
        let radius = (stateScale * settings.epsilon).reshaped([1, 1, d])
        let states = observations.tiled(members: n)
        let acts = Variable(actions.tiled(members: n))
        let clean = Variable(cleanQ)
        let step = radius * settings.stepFraction
        var delta = settings.randomStart
            ? Tensor.uniform([n, b, d], low: -1, high: 1, rng: &rng) * radius
            : Tensor.zeros([n, b, d])
        critics.withoutPowerIteration {
            for _ in 0..<settings.attackSteps {
                let dv = Variable(delta, requiresGrad: true)
                let gap = critics.perMember(Variable(states) + dv, acts) - clean           // [N, B]
                let g = gradients(of: gap.square().sum(), withRespectTo: [dv])[0].value    // [N, B, obs]
                delta = Tensor.minimum(Tensor.maximum(delta + g.sign() * step, -radius), radius)
            }
        }
        return delta
    }

    /// `λ·Σᵢ mean_b (Qᵢ(s + δ*ᵢ, a) − Qᵢ(s, a))²`; logs `lipschitz_robust_loss` (unweighted) and
    /// `lipschitz_adversarial_gap` (mean |ΔQ|).
    public func loss(critics: CriticEnsemble, batch: TransitionBatch, q: Variable, metrics: inout TrainingMetrics,
                     rng: inout RandomGenerator) -> Variable {
        let n = critics.members
        let delta = perturbation(critics: critics, observations: batch.observations, actions: batch.actions,
                                 cleanQ: q.value, rng: &rng)
        let perturbed = critics.withoutPowerIteration {
            critics.perMember(Variable(batch.observations.tiled(members: n) + delta), Variable(batch.actions.tiled(members: n)))
        }
        let gap = perturbed - (settings.detachClean ? q.detached() : q)                    // [N, B]
        let robust = gap.square().mean(axis: 1).sum()
        metrics["lipschitz_robust_loss"] = Double(robust.scalar)
        metrics["lipschitz_adversarial_gap"] = Double(gap.value.abs().mean())
        return robust * settings.weight
    }
}
