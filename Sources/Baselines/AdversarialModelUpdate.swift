import Foundation

/// RAMBO's update of the dynamics ensemble (Rigter, Lacerda, Hawes, "RAMBO-RL: Robust Adversarial
/// Model-Based Offline Reinforcement Learning", NeurIPS 2022, §4.2, eqs. (5)–(6) and Algorithm 1),
/// as OfflineRL-Kit computes it (`offlinerlkit/policy/model_based/rambo.py`,
/// `dynamics_step_and_forward`): one Adam step on
///
/// ```
/// L_φ = λ·L_adv + L_MLE
/// L_adv = mean_b log p_φ(s'_b, r_b | s_b, a_b) · Â_b                  (eq. 5's policy-gradient form)
///   (s', r) sampled from the model, a ~ π(s); Â normalised: (A − mean A)/(std A + 1e-6)
///   log p_φ = log (1/K) Σ_{e ∈ elites} N([s', r]; [s + μ_e(Δs), μ_e(r)], σ_e²)   (the elites' mixture)
/// L_MLE = Σ_e mean_{b,d} [(μ_e − y)²·e^(−log σ_e²) + log σ_e²] + Σ_l ½λ_l‖W_l‖² + c·(Σ max − Σ min)
///   on a batch of real transitions, y = [s' − s, r], the same rows for every member    (eq. 6)
///   (λ_l and c are the ensemble's weight decays and variance-bound coefficient; RAMBO's recipe
///   sets Kit's c = 0.001, which `rambo.py` also hard-codes here)
/// ```
/// Minimising L_adv lowers the likelihood of sampled transitions with a high advantage and raises
/// it for a low one: the model moves towards transitions in which the current policy does worse.
/// The optimizer is an Adam of its own (Kit's `dynamics_adv_optim`), not the fit's; the weight
/// decay is Kit's loss term whatever the fit's `WeightDecayStyle`.
public final class AdversarialModelUpdate {
    /// The model trained (the run's fitted ensemble).
    public let ensemble: DynamicsEnsemble
    /// Adam over the ensemble's trainable parameters.
    public let optimizer: Adam
    /// λ, the weight of the adversarial term (Kit `adv_weight`).
    public var adversarialWeight: Float

    /// Prepares the update of `ensemble`.
    /// - Throws: `OfflineTrainingError.invalidConfiguration(_:)` for a deterministic
    ///   ensemble (no likelihood to train against).
    public init(ensemble: DynamicsEnsemble, learningRate: Float, adversarialWeight: Float) throws(OfflineTrainingError) {
        guard ensemble.configuration.probabilistic else {
            throw .invalidConfiguration("RAMBO trains the model's likelihood; the dynamics ensemble must be probabilistic")
        }
        self.ensemble = ensemble
        self.adversarialWeight = adversarialWeight
        optimizer = Adam(ensemble.network.namedParameters().filter { $0.variable.requiresGrad }, learningRate: learningRate)
    }

    /// Kit's normalised advantage `(A − mean A)/(std A + 1e-6)` (sample standard deviation) of
    /// `A = r + γ(1 − d)·V(s') − Q(s, a)`, all `[B]`.
    public static func normalizedAdvantages(rewards: Tensor, terminals: Tensor, nextValues: Tensor, baseline: Tensor,
                                            discount: Float) -> Tensor {
        let advantages = rewards + discount * (1 - terminals) * nextValues - baseline
        let n = advantages.count
        let mean = advantages.mean()
        let centered = advantages - mean
        let variance = n > 1 ? centered.square().sum() / Float(n - 1) : 0
        return centered / (variance.squareRoot() + 1e-6)
    }

    /// The model's log-likelihood of `[s', r]` given `(s, a)` under the elites' equal mixture,
    /// `[B]`, as a differentiable function of the parameters.
    public func logLikelihood(observations: Tensor, actions: Tensor, nextObservations: Tensor, rewards: Tensor) -> Variable {
        let rows = observations.shape[0], o = ensemble.observationDimension, d = o + 1
        let output = ensemble.network.network(Variable(ensemble.normalizedInputs(observations, actions)),
                                              members: ensemble.elites)                               // [K, B, 2d]
        let mean = output.slice(0..<d, axis: 2)
            + Variable(Tensor.concatenate([observations, Tensor.zeros([rows, 1])], axis: 1))          // s + Δs, r
        let logVariance = softBoundedLogVariance(output.slice(d..<(2 * d), axis: 2),
                                                 maxLogVariance: ensemble.network.maxLogVariance,
                                                 minLogVariance: ensemble.network.minLogVariance)
        let sample = Variable(Tensor.concatenate([nextObservations, rewards.reshaped([rows, 1])], axis: 1))
        // log N(x; μ, σ²) = −½(x − μ)²/σ² − ½ log σ² − ½ log 2π, summed over the target's entries.
        let perEntry = (sample - mean).square() * (-logVariance).exp() * -0.5 - logVariance * 0.5
            - 0.5 * Float(1.837_877_066_409_345_5)
        let perMember = perEntry.sum(axis: 2)                                                         // [K, B]
        return perMember.logSumExp(axis: 0) - Float(log(Double(ensemble.elites.count)))
    }

    /// Kit's supervised loss on real transitions (eq. (6)'s MLE term with the fit's regularisers): the
    /// fit's loss on the same rows for every member, its L2 term in the loss whatever the fit's
    /// `WeightDecayStyle` (as `rambo.py`'s `get_decay_loss`), unless `weightDecayInLoss` is false
    /// (``step(rollout:advantages:real:)`` adds that term's gradient outside the graph).
    public func maximumLikelihoodLoss(observations: Tensor, actions: Tensor, nextObservations: Tensor, rewards: Tensor,
                                      weightDecayInLoss: Bool = true) -> Variable {
        let rows = observations.shape[0], members = ensemble.configuration.members
        let target = Tensor.concatenate([nextObservations - observations, rewards.reshaped([rows, 1])], axis: 1)
        let shared = target.reshaped([1, rows, target.shape[1]])
        let targets = Tensor.concatenate(Array(repeating: shared, count: members), axis: 0)              // [E, B, d]
        return ensemble.trainingLoss(inputs: ensemble.normalizedInputs(observations, actions), targets: targets,
                                     weightDecayInLoss: weightDecayInLoss)
    }

    /// One Adam step on `λ·L_adv + L_MLE`: `rollout` holds the model's sampled transitions
    /// (observations, the policy's actions, sampled next observations and rewards) with their
    /// normalised advantages, `real` a batch of data. With λ = 0 the step is the MLE step alone.
    /// - Returns: the losses before the step, for logs.
    @discardableResult
    public func step(rollout: TransitionBatch, advantages: Tensor, real: TransitionBatch) -> TrainingMetrics {
        let logLikelihood = self.logLikelihood(observations: rollout.observations, actions: rollout.actions,
                                               nextObservations: rollout.nextObservations, rewards: rollout.rewards)
        let adversarial = (logLikelihood * Variable(advantages)).mean()
        let supervised = maximumLikelihoodLoss(observations: real.observations, actions: real.actions,
                                               nextObservations: real.nextObservations, rewards: real.rewards,
                                               weightDecayInLoss: false)
        let total = adversarialWeight == 0 ? supervised : adversarial * adversarialWeight + supervised
        let parameters = optimizer.parameters
        for (p, g) in zip(parameters, gradients(of: total, withRespectTo: parameters)) { p.grad = g.value }
        let decay = Double(ensemble.addWeightDecayGradients())    // get_decay_loss: its λ·W, outside the graph
        optimizer.step()
        optimizer.zeroGrad()
        ensemble.parametersDidChange()
        return ["rambo_model_loss": Double(total.scalar) + decay, "rambo_mle_loss": Double(supervised.scalar) + decay,
                "rambo_adversarial_loss": Double(adversarial.scalar), "rambo_log_likelihood": Double(logLikelihood.value.mean())]
    }}
