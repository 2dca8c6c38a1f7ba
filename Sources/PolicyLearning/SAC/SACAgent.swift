/// Soft actor-critic with an ensemble of N critics (Haarnoja et al. 2018; N > 2 is SAC-N,
/// An et al. 2021), the learner every algorithm in this library shares.
///
/// One ``update(_:rng:)`` runs, in OfflineRL-Kit's order (`SACPolicy.learn`):
/// ```
/// critic:  y = r̃ + γ(1 − d)(minᵢ Q̄ᵢ(s', a') − α log π(a'|s')),  a' ~ π(·|s')     (eq. 3, 5)
///          L_Q = Σᵢ mean_b (Qᵢ(s, a) − y)² + Σ regularizers
/// actor:   L_π = mean_b (α log π(ã|s) − minᵢ Qᵢ(s, ã)),  ã ~ π(·|s)             (eq. 7)
/// alpha:   L_α = −mean_b log α · (log π(ã|s) + H̄)                               (eq. 18)
/// targets: Q̄ ← τ Q + (1 − τ) Q̄
/// ```
/// Plug-ins change the critic step without copying it: ``targetAdjustment`` rewrites the
/// bootstrapped targets (MOBILE's penalty), ``criticRegularizers`` add loss terms (EDAC's
/// diversity term, gradient penalties).
public final class SACAgent {
    /// The hyperparameters.
    public let configuration: SACConfiguration
    /// The policy.
    public let actor: TanhGaussianActor
    /// The critics Qᵢ.
    public let critics: CriticEnsemble
    /// The Polyak-averaged target critics Q̄ᵢ (never trained directly).
    public let targetCritics: CriticEnsemble
    /// log α.
    public let temperature: Temperature
    /// Optimizers (Adam), exposed for checkpoints.
    public let actorOptimizer: Adam, criticOptimizer: Adam, alphaOptimizer: Adam
    /// Extra critic-loss terms, applied in order.
    public var criticRegularizers: [any CriticRegularizer] = []
    /// A rewrite of the critic targets before the loss, or `nil`.
    public var targetAdjustment: (any TargetAdjustment)?

    /// Observation and action widths.
    public let observationDimension: Int, actionDimension: Int

    /// Creates an agent with freshly initialised networks.
    /// - Parameter observationStatistics: the dataset's state statistics when
    ///   ``SACConfiguration/standardizeObservations`` is set (`nil` there: the identity, for an
    ///   agent whose checkpoint will load them); ignored otherwise.
    public init(observationDimension: Int, actionDimension: Int, configuration: SACConfiguration = .init(),
                observationStatistics: Normalizer? = nil, rng: inout RandomGenerator) {
        self.configuration = configuration
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        let standardization = { () -> ObservationStandardization? in
            guard configuration.standardizeObservations else { return nil }
            return observationStatistics.map(ObservationStandardization.init) ?? ObservationStandardization(dimension: observationDimension)
        }
        actor = TanhGaussianActor(observationDimension: observationDimension, actionDimension: actionDimension,
                                  hiddenSizes: configuration.hiddenSizes, logStdRange: configuration.logStdRange,
                                  observationStandardization: standardization(), rng: &rng)
        critics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                 hiddenSizes: configuration.hiddenSizes, members: configuration.critics,
                                 spectralNormalization: configuration.criticSpectralNorm,
                                 observationStandardization: standardization(), rng: &rng)
        targetCritics = CriticEnsemble(observationDimension: observationDimension, actionDimension: actionDimension,
                                       hiddenSizes: configuration.hiddenSizes, members: configuration.critics,
                                       spectralNormalization: configuration.criticSpectralNorm,
                                       observationStandardization: standardization(), rng: &rng)
        targetCritics.update(parameters: critics.parameterValues())
        targetCritics.freeze()
        temperature = Temperature(alpha: configuration.initialAlpha)
        actorOptimizer = Adam(actor.namedParameters(), learningRate: configuration.actorLearningRate)
        criticOptimizer = Adam(critics.namedParameters(), learningRate: configuration.criticLearningRate)
        alphaOptimizer = Adam(temperature.namedParameters(), learningRate: configuration.alphaLearningRate)
    }

    /// The current temperature α (clamped to ``SACConfiguration/maximumAlpha`` if set).
    public var alpha: Float {
        let a = temperature.logAlpha.value.exp().scalars[0]
        return configuration.maximumAlpha.map { Swift.min(a, $0) } ?? a
    }

    /// Actions for `[B, obs]` observations: tanh(μ) when `deterministic`, else sampled.
    public func act(_ observations: Tensor, deterministic: Bool, rng: inout RandomGenerator) -> Tensor {
        actor.act(observations, deterministic: deterministic, rng: &rng)
    }

    /// One SAC update on `batch`; returns the logged statistics.
    @discardableResult
    public func update(_ batch: TransitionBatch, rng: inout RandomGenerator) -> TrainingMetrics {
        var metrics = TrainingMetrics()
        let alpha = self.alpha
        let observations = Variable(batch.observations)

        // Critic step. Targets that an adjustment replaces are not computed (their noise is drawn).
        var targets: Tensor                                                       // [B]
        if let targetAdjustment, targetAdjustment.replacesTargets {
            _ = Tensor.normal([batch.batchSize, actionDimension], rng: &rng)     // criticTargets' next-action noise
            targets = Tensor.zeros([batch.batchSize])
        } else {
            targets = criticTargets(batch, alpha: alpha, rng: &rng)
        }
        if let targetAdjustment { targetAdjustment.adjust(&targets, batch: batch, agent: self, metrics: &metrics, rng: &rng) }
        // With an action-gradient term, q is recorded on per-member copies of the actions so that
        // the term differentiates this forward pass rather than running the critics again.
        let memberActions = criticRegularizers.contains { $0 is any ActionGradientRegularizer }
            ? Variable(critics.memberCopies(batch.actions), requiresGrad: true) : nil
        let q = memberActions.map { critics.perMember(Variable(critics.memberCopies(batch.observations)), $0) }
            ?? critics(observations, Variable(batch.actions))                     // [N, B]
        var criticLoss = (q - Variable(targets)).square().mean(axis: 1).sum()
        for regularizer in criticRegularizers {
            let term = if let memberActions, let regularizer = regularizer as? any ActionGradientRegularizer {
                regularizer.loss(critics: critics, batch: batch, q: q, memberActions: memberActions, metrics: &metrics, rng: &rng)
            } else {
                regularizer.loss(critics: critics, batch: batch, q: q, metrics: &metrics, rng: &rng)
            }
            criticLoss = criticLoss + term
        }
        criticOptimizer.minimize(criticLoss)

        // Actor step: gradients for the actor's parameters only (the critics' weight gradients
        // are never formed, just their input gradients).
        let policy = actor.distribution(observations)
        let (action, logProb) = policy.sample(rng: &rng)                          // [B, A], [B]
        let qPolicy = critics(observations, action).min(axis: 0)                   // [B]
        let actorLoss = (logProb * alpha - qPolicy).mean()
        actorOptimizer.minimize(actorLoss)

        // Temperature step.
        let entropyTarget = configuration.entropyTarget(actionDimension: actionDimension)
        if configuration.automaticEntropyTuning {
            let alphaLoss = -(temperature.logAlpha * Variable(logProb.value + entropyTarget)).mean()
            alphaOptimizer.minimize(alphaLoss)
            metrics["alpha_loss"] = Double(alphaLoss.scalar)
        }

        polyakUpdate(target: targetCritics, source: critics, tau: configuration.tau)

        let qValues = q.value
        metrics["critic_loss"] = Double(criticLoss.scalar)
        metrics["actor_loss"] = Double(actorLoss.scalar)
        metrics["alpha"] = Double(alpha)
        metrics["entropy"] = Double(-logProb.value.mean())
        metrics["q_mean"] = Double(qValues.mean())
        metrics["q_ensemble_std"] = Double(Self.ensembleStd(qValues))
        metrics["target_mean"] = Double(targets.mean())
        return metrics
    }

    /// r + γ(1 − d)(minᵢ Q̄ᵢ(s', a') − α log π(a'|s')) with a' sampled from the current policy.
    public func criticTargets(_ batch: TransitionBatch, alpha: Float, rng: inout RandomGenerator) -> Tensor {
        let (nextAction, nextLogProb) = actor.sampleWithLogProb(batch.nextObservations, rng: &rng)
        let nextQ = targetCritics(Variable(batch.nextObservations), Variable(nextAction)).value.min(axis: 0)
        let notDone = 1 - batch.terminals
        return batch.rewards + configuration.discount * notDone * (nextQ - alpha * nextLogProb)
    }

    /// Mean over the batch of the standard deviation across critics, for `[N, B]` values.
    static func ensembleStd(_ q: Tensor) -> Float {
        guard q.shape[0] > 1 else { return 0 }
        let mean = q.mean(axis: 0, keepDims: true)
        return (q - mean).square().mean(axis: 0).sqrt().mean()
    }

    /// The parts a checkpoint stores: networks with their optimizers.
    public var checkpointParts: [String: Checkpoint.Part] {
        ["actor": (actor, actorOptimizer), "critics": (critics, criticOptimizer),
         "target_critics": (targetCritics, nil), "temperature": (temperature, alphaOptimizer)]
    }
}

/// The learnable log α of SAC's entropy term, as a module so it checkpoints like the networks.
public final class Temperature: Module {
    /// log α, shape [1].
    public let logAlpha: Variable

    /// Starts at α = `alpha`.
    public init(alpha: Float) {
        precondition(alpha > 0, "Temperature: α must be positive, got \(alpha)")
        logAlpha = Variable(Tensor([alpha]).log(), requiresGrad: true)
    }
}

/// Named scalar statistics of one update, for logs.
public typealias TrainingMetrics = [String: Double]
