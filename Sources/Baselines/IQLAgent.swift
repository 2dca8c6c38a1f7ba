/// IQL's policy: a diagonal Gaussian with mean `tanh(W·h(s) + b)` and a learned state-independent
/// log σ clamped to [−5, 2] (`ikostrikov/implicit_q_learning` `learner.py`: `NormalTanhPolicy` with
/// `state_dependent_std=False`, `tanh_squash_distribution=False`, `log_std_min=-5`; OfflineRL-Kit's
/// `DiagGaussian(unbounded=False, conditioned_sigma=False)`).
public final class GaussianPolicy: Module {
    /// Hidden layers (ReLU after every layer).
    public let trunk: MLP
    /// The mean head.
    public let head: Linear
    /// log σ, `[act]`, starting at 0.
    public let logStd: Variable
    /// Clamp range of log σ.
    public static let logStdRange: ClosedRange<Float> = -5...2

    /// Creates the policy with freshly initialised weights.
    public init(observationDimension: Int, actionDimension: Int, hiddenSizes: [Int], rng: inout RandomGenerator) {
        precondition(!hiddenSizes.isEmpty, "GaussianPolicy: needs at least one hidden layer")
        trunk = MLP([observationDimension] + hiddenSizes, activation: .relu, outputActivation: .relu, rng: &rng)
        head = Linear(hiddenSizes.last!, actionDimension, rng: &rng)
        logStd = Variable(Tensor.zeros([actionDimension]), requiresGrad: true)
    }

    /// π(·|s) for `[B, obs]` observations.
    public func distribution(_ observations: Variable) -> DiagonalGaussian {
        DiagonalGaussian(mean: head(trunk(observations)).tanh(),
                         logStd: logStd.clamped(min: Self.logStdRange.lowerBound, max: Self.logStdRange.upperBound))
    }
}

/// IQL: implicit Q-learning (Kostrikov, Nair, Levine, "Offline Reinforcement Learning with
/// Implicit Q-Learning", ICLR 2022), in OfflineRL-Kit's order (`IQLPolicy.learn`,
/// `offlinerlkit/policy/model_free/iql.py`):
///
/// ```
/// value:   u = minᵢ Q̄ᵢ(s, a) − V(s),   L_V = mean_b |τ − 1(u < 0)|·u²               (eq. (5), τ = 0.7)
/// critics: y = c·r + γ(1 − d)·V(s'),   L_Q = Σᵢ mean_b (Qᵢ(s, a) − y)²             (eq. (6))
/// actor:   w = min(exp(β·(minᵢ Q̄ᵢ(s, a) − V(s))), 100),  L_π = −mean_b w·log π(a|s)   (eq. (7), β = 3)
/// targets: Q̄ ← τ_p Q + (1 − τ_p) Q̄
/// ```
/// c is the reward scale `1000 / (max return − min return)` over the dataset's trajectories (the
/// official code's and Kit's reward normalization for MuJoCo tasks), or 1. The learner settings
/// (widths, learning rates, γ, τ_p, the number of critics) are `SACConfiguration`'s;
/// V learns at the critic rate.
public final class IQLAgent: OfflineAgent {
    /// The learner settings shared with SAC.
    public let configuration: SACConfiguration
    /// IQL's own settings.
    public let settings: IQLSettings
    /// π.
    public let actor: GaussianPolicy
    /// Qᵢ and their Polyak averages Q̄ᵢ.
    public let critics: CriticEnsemble, targetCritics: CriticEnsemble
    /// V: `[obs] → hidden → 1`, ReLU.
    public let value: MLP
    /// Optimizers (Adam).
    public let actorOptimizer: Adam, criticOptimizer: Adam, valueOptimizer: Adam
    /// c, the reward scale.
    public let rewardScale: Float
    public let observationDimension: Int, actionDimension: Int

    /// Creates an agent with freshly initialised networks.
    /// - Parameters:
    ///   - observationDimension: state width.
    ///   - actionDimension: action width.
    ///   - configuration: the learner settings shared with SAC.
    ///   - settings: IQL's settings.
    ///   - rewardScale: c, multiplying every reward.
    ///   - rng: the generator for the initial weights.
    public init(observationDimension: Int, actionDimension: Int, configuration: SACConfiguration, settings: IQLSettings,
                rewardScale: Float, rng: inout RandomGenerator) {
        self.configuration = configuration
        self.settings = settings
        self.rewardScale = rewardScale
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        actor = GaussianPolicy(observationDimension: observationDimension, actionDimension: actionDimension,
                               hiddenSizes: configuration.hiddenSizes, rng: &rng)
        critics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                 hiddenSizes: configuration.hiddenSizes, members: configuration.critics, rng: &rng)
        targetCritics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                       hiddenSizes: configuration.hiddenSizes, members: configuration.critics, rng: &rng)
        value = MLP([observationDimension] + configuration.hiddenSizes + [1], activation: .relu, rng: &rng)
        targetCritics.update(parameters: critics.parameterValues())
        targetCritics.freeze()
        actorOptimizer = Adam(actor.namedParameters(), learningRate: configuration.actorLearningRate)
        criticOptimizer = Adam(critics.namedParameters(), learningRate: configuration.criticLearningRate)
        valueOptimizer = Adam(value.namedParameters(), learningRate: configuration.criticLearningRate)
    }

    /// The expectile loss `|τ − 1(u < 0)|·u²` of each element (eq. (5); Kit: weight τ where u > 0).
    public static func expectileLoss(_ u: Variable, expectile: Float) -> Variable {
        let weights = u.value.map { $0 > 0 ? expectile : 1 - expectile }
        return Variable(weights) * u.square()
    }

    /// The advantage weights `min(exp(β·(q − v)), maximum)` of AWR extraction (eq. (7)).
    public static func advantageWeights(q: Tensor, v: Tensor, temperature: Float, maximum: Float) -> Tensor {
        ((q - v) * temperature).exp().clamped(min: -.infinity, max: maximum)
    }

    public func update(_ batch: TransitionBatch, rng: inout RandomGenerator) -> TrainingMetrics {
        var metrics = TrainingMetrics()
        let b = batch.batchSize
        let s = Variable(batch.observations)
        let qTarget = targetCritics(s, Variable(batch.actions)).value.min(axis: 0)          // [B]

        // Value step: the τ-expectile of Q̄ over the data's actions.
        let v = value(s).reshaped([b])
        let valueLoss = Self.expectileLoss(Variable(qTarget) - v, expectile: settings.expectile).mean()
        valueOptimizer.minimize(valueLoss)

        // Critic step: bootstrap from V(s'), no policy in the target.
        let nextV = value(Variable(batch.nextObservations)).value.reshaped([b])
        let targets = batch.rewards * rewardScale + configuration.discount * (1 - batch.terminals) * nextV
        let q = critics(s, Variable(batch.actions))
        let criticLoss = (q - Variable(targets)).square().mean(axis: 1).sum()
        criticOptimizer.minimize(criticLoss)

        // Actor step: advantage-weighted regression on the data's actions.
        let vNow = value(s).value.reshaped([b])
        let weights = Self.advantageWeights(q: qTarget, v: vNow, temperature: settings.temperature, maximum: settings.maximumWeight)
        let logProb = actor.distribution(s).logProb(Variable(batch.actions))                // [B]
        let actorLoss = -(Variable(weights) * logProb).mean()
        actorOptimizer.minimize(actorLoss)
        polyakUpdate(target: targetCritics, source: critics, tau: configuration.tau)

        metrics["value_loss"] = Double(valueLoss.scalar)
        metrics["critic_loss"] = Double(criticLoss.scalar)
        metrics["actor_loss"] = Double(actorLoss.scalar)
        metrics["q_mean"] = Double(q.value.mean())
        metrics["v_mean"] = Double(vNow.mean())
        metrics["advantage_weight_mean"] = Double(weights.mean())
        return metrics
    }

    /// The mean action (evaluation), or a sample clipped to [−1, 1] (model rollouts).
    public func act(_ observations: Tensor, deterministic: Bool, rng: inout RandomGenerator) -> Tensor {
        actor.freeze()                                   // nothing recorded for backward
        defer { actor.unfreeze() }
        let policy = actor.distribution(Variable(observations))
        if deterministic { return policy.mean.value }
        return policy.sample(rng: &rng).value.clamped(min: -1, max: 1)
    }

    public var checkpointParts: [String: Checkpoint.Part] {
        ["actor": (actor, actorOptimizer), "critics": (critics, criticOptimizer), "target_critics": (targetCritics, nil),
         "value": (value, valueOptimizer)]
    }

    /// `1000 / (max − min)` of the trajectory returns in `data` (in order), or 1 when they are all
    /// equal. A trajectory ends at a terminal row or where the next row does not start at this
    /// row's next observation (`normalize_rewards` of Kit's `run_iql.py`; the official `dataset_utils.py`).
    public static func rewardScale(of data: ReplayBuffer) -> Float {
        let t = data.orderedTransitions()
        let n = data.count, o = data.observationDimension
        let s = t.observations.scalars, next = t.nextObservations.scalars, r = t.rewards.scalars, d = t.terminals.scalars
        var returns = [Double](), current = 0.0
        for i in 0..<n {
            current += Double(r[i])
            var ends = d[i] > 0.5 || i == n - 1
            if !ends {   // ‖s_{i+1} − s'_i‖₂ > 1e-6
                var squares = 0.0
                for j in 0..<o { let g = Double(s[(i + 1) * o + j] - next[i * o + j]); squares += g * g }
                ends = squares.squareRoot() > 1e-6
            }
            if ends { returns.append(current); current = 0 }
        }
        guard let high = returns.max(), let low = returns.min(), high > low else { return 1 }
        return Float(1000 / (high - low))
    }
}
