/// Per-feature observation standardization and an update counter, kept as a module so that they
/// travel in checkpoints with the networks (a resumed run continues the actor's delay schedule).
public final class AgentState: Module {
    /// Per-feature means, `[obs]` (0 when the agent does not standardize).
    public let mean: Variable
    /// Per-feature standard deviations, `[obs]` (1 when the agent does not standardize).
    public let std: Variable
    /// Updates done, `[1]` (exact in Float32 up to 2²⁴).
    public let updates: Variable

    /// Statistics from `normalizer`, or the identity when `nil`.
    public init(observationDimension: Int, normalizer: Normalizer?) {
        mean = Variable(Tensor(normalizer?.mean ?? [Float](repeating: 0, count: observationDimension)))
        std = Variable(Tensor(normalizer?.std ?? [Float](repeating: 1, count: observationDimension)))
        updates = Variable(Tensor([0]))
    }

    /// `(s − mean) / std` row by row for `[B, obs]` observations.
    public func standardized(_ observations: Tensor) -> Tensor {
        let o = mean.shape[0]
        return (observations - mean.value.reshaped([1, o])) / std.value.reshaped([1, o])
    }

    /// The update count as an integer.
    public internal(set) var count: Int {
        get { Int(updates.value.scalars[0]) }
        set { updates.value = Tensor([Float(newValue)]) }
    }
}

/// TD3+BC (Fujimoto and Gu, "A Minimalist Approach to Offline Reinforcement Learning", NeurIPS
/// 2021): TD3 (Fujimoto et al. 2018) with a behaviour-cloning term in the actor loss and
/// standardized states, line for line OfflineRL-Kit's `TD3BCPolicy.learn`
/// (`offlinerlkit/policy/model_free/td3bc.py`):
///
/// ```
/// s ← (s − μ_D)/σ_D                                                     (§5, state normalization)
/// critic:  ã' = clip(π̄(s') + clip(ε, −c, c), −1, 1),  ε ~ N(0, σ²)       (target policy smoothing)
///          y = r + γ(1 − d)·minᵢ Q̄ᵢ(s', ã'),   L_Q = Σᵢ mean_b (Qᵢ(s, a) − y)²
/// actor, every d-th update:
///          λ = α / mean_b |Q₁(s, π(s))|   (detached)                       (eq. (3)–(4), α = 2.5)
///          L_π = −λ·mean_b Q₁(s, π(s)) + mean_{b,j} (π(s)_j − a_j)²
///          then Polyak updates of π̄ and Q̄ (rate τ)
/// ```
/// π is deterministic: `tanh` of an MLP. The learner settings (widths, learning rates, γ, τ, the
/// number of critics) are `SACConfiguration`'s; the rest are ``TD3BCSettings``.
public final class TD3BCAgent: OfflineAgent {
    /// The learner settings shared with SAC (widths, learning rates, γ, τ, critics).
    public let configuration: SACConfiguration
    /// TD3+BC's own settings.
    public let settings: TD3BCSettings
    /// The deterministic policy π: `[obs] → hidden → [act]`, ReLU, `tanh` output.
    public let actor: MLP
    /// The Polyak-averaged policy π̄ of the target.
    public let targetActor: MLP
    /// The critics Qᵢ (2 in TD3).
    public let critics: CriticEnsemble
    /// The Polyak-averaged critics Q̄ᵢ.
    public let targetCritics: CriticEnsemble
    /// Optimizers (Adam).
    public let actorOptimizer: Adam, criticOptimizer: Adam
    /// The state statistics and the update counter.
    public let state: AgentState
    public let observationDimension: Int, actionDimension: Int

    /// Creates an agent with freshly initialised networks.
    /// - Parameters:
    ///   - observationDimension: state width.
    ///   - actionDimension: action width.
    ///   - configuration: the learner settings shared with SAC.
    ///   - settings: TD3+BC's settings.
    ///   - normalizer: the dataset's state statistics (`nil`: no standardization, or statistics
    ///     to be loaded from a checkpoint).
    ///   - rng: the generator for the initial weights.
    public init(observationDimension: Int, actionDimension: Int, configuration: SACConfiguration, settings: TD3BCSettings,
                normalizer: Normalizer?, rng: inout RandomGenerator) {
        self.configuration = configuration
        self.settings = settings
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        let sizes = [observationDimension] + configuration.hiddenSizes + [actionDimension]
        actor = MLP(sizes, activation: .relu, outputActivation: .tanh, rng: &rng)
        targetActor = MLP(sizes, activation: .relu, outputActivation: .tanh, rng: &rng)
        critics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                 hiddenSizes: configuration.hiddenSizes, members: configuration.critics, rng: &rng)
        targetCritics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                       hiddenSizes: configuration.hiddenSizes, members: configuration.critics, rng: &rng)
        targetActor.update(parameters: actor.parameterValues())
        targetCritics.update(parameters: critics.parameterValues())
        targetActor.freeze()
        targetCritics.freeze()
        actorOptimizer = Adam(actor.namedParameters(), learningRate: configuration.actorLearningRate)
        criticOptimizer = Adam(critics.namedParameters(), learningRate: configuration.criticLearningRate)
        state = AgentState(observationDimension: observationDimension, normalizer: normalizer)
    }

    /// λ = α / mean_b |Q(s, π(s))| (eq. (4)), for the policy's values `q`; the mean is kept away
    /// from 0 by the smallest normal Float so that λ stays finite.
    public static func bcWeight(policyValues q: Tensor, alpha: Float) -> Float {
        alpha / Swift.max(q.abs().mean(), Float.leastNormalMagnitude)
    }

    public func update(_ batch: TransitionBatch, rng: inout RandomGenerator) -> TrainingMetrics {
        var metrics = TrainingMetrics()
        let s = Variable(state.standardized(batch.observations))
        let next = Variable(state.standardized(batch.nextObservations))

        // Critic step with target policy smoothing.
        let noise = Tensor.normal([batch.batchSize, actionDimension], std: settings.policyNoise, rng: &rng)
            .clamped(min: -settings.noiseClip, max: settings.noiseClip)
        let nextActions = (targetActor(next).value + noise).clamped(min: -1, max: 1)
        let nextQ = targetCritics(next, Variable(nextActions)).value.min(axis: 0)
        let targets = batch.rewards + configuration.discount * (1 - batch.terminals) * nextQ
        let q = critics(s, Variable(batch.actions))                                   // [N, B]
        let criticLoss = (q - Variable(targets)).square().mean(axis: 1).sum()
        criticOptimizer.minimize(criticLoss)
        metrics["critic_loss"] = Double(criticLoss.scalar)
        metrics["q_mean"] = Double(q.value.mean())
        metrics["target_mean"] = Double(targets.mean())

        // Delayed actor step and target updates (Kit's counter starts at 0: the first update trains π).
        if state.count % settings.policyDelay == 0 {
            let action = actor(s)
            let qPolicy = critics(s, action).slice(0..<1, axis: 0)                    // Q₁, [1, B]
            let lambda = Self.bcWeight(policyValues: qPolicy.value, alpha: settings.alpha)
            let bc = (action - Variable(batch.actions)).square().mean()
            let actorLoss = qPolicy.mean() * -lambda + bc
            actorOptimizer.minimize(actorLoss)
            polyakUpdate(target: targetCritics, source: critics, tau: configuration.tau)
            polyakUpdate(target: targetActor, source: actor, tau: configuration.tau)
            metrics["actor_loss"] = Double(actorLoss.scalar)
            metrics["bc_loss"] = Double(bc.scalar)
            metrics["bc_weight"] = Double(lambda)
        }
        state.count += 1
        return metrics
    }

    /// π(s) (evaluation), or π(s) plus N(0, σ_explore²) noise clipped to [−1, 1] (model rollouts).
    public func act(_ observations: Tensor, deterministic: Bool, rng: inout RandomGenerator) -> Tensor {
        actor.freeze()                                   // nothing recorded for backward
        let action = actor(Variable(state.standardized(observations))).value
        actor.unfreeze()
        if deterministic { return action }
        let noise = Tensor.normal(action.shape, std: settings.explorationNoise, rng: &rng)
        return (action + noise).clamped(min: -1, max: 1)
    }

    public var checkpointParts: [String: Checkpoint.Part] {
        ["actor": (actor, actorOptimizer), "critics": (critics, criticOptimizer), "target_actor": (targetActor, nil),
         "target_critics": (targetCritics, nil), "state": (state, nil)]
    }
}
