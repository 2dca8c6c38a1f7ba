/// A dynamics model whose probabilistic ensemble RAMBO may train: the ensemble itself, or a wrapper
/// around one that keeps its own rules (a task's exact termination flags) in `step`.
public protocol EnsembleBackedModel: DynamicsModel {
    /// The ensemble trained.
    var ensemble: DynamicsEnsemble { get }
}

extension DynamicsEnsemble: EnsembleBackedModel {
    public var ensemble: DynamicsEnsemble { self }
}

/// RAMBO's plug-in: behaviour cloning before the first update, the adversarial model phases after
/// every `adversarialInterval` updates, and the trained model with its Adam state in every
/// checkpoint (part ``checkpointPart``), since `dynamics.h5` holds the fit it started from.
final class RAMBOPlugIn: OfflinePlugIn, OfflineUpdateHook {
    /// The checkpoint part holding the ensemble's parameters and the adversarial Adam state.
    static let checkpointPart = "rambo_dynamics"

    let settings: RAMBOSettings
    let discount: Float
    private var model: (any EnsembleBackedModel)?
    private var update: AdversarialModelUpdate?
    private var agent: SACAgent?

    init(settings: RAMBOSettings, discount: Float) {
        self.settings = settings
        self.discount = discount
    }

    func install(on trainer: OfflineTrainer) throws {
        agent = try trainer.sacAgent(for: "rambo")
        guard let rolled = trainer.model, let model = trainer.learnedModel as? any EnsembleBackedModel, rolled === model else {
            throw OfflineTrainingError.invalidConfiguration(
                "rambo trains the fitted dynamics ensemble it rolls out; this run's model is \(trainer.model.map { "\(type(of: $0))" } ?? "none") (dynamicsSource \(trainer.configuration.dynamicsSource))")
        }
        self.model = model
        update = try AdversarialModelUpdate(ensemble: model.ensemble, learningRate: settings.adversarialLearningRate,
                                            adversarialWeight: settings.adversarialWeight)
        trainer.updateHooks.append(self)
    }

    var checkpointParts: [String: Checkpoint.Part] {
        guard let update else { return [:] }
        return [Self.checkpointPart: (update.ensemble.network, update.optimizer)]
    }

    func didRestoreCheckpoint(trainer: OfflineTrainer) throws { update?.ensemble.parametersDidChange() }

    /// Kit's `RAMBOPolicy.pretrain`: epochs of mean-squared error between sampled actions and the
    /// data's, with an Adam of its own. (Kit shuffles an index array it then does not use, taking
    /// the rows in file order; here each epoch takes them in a fresh random order.) A stop request
    /// (``StopRequest``) ends it after the current epoch: nothing is saved before the first update,
    /// so the resumed run clones again from the start and stays equal to an uninterrupted one, and a
    /// Slurm job's warning lead is not spent on minutes of cloning.
    func beforeFirstUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws {
        guard let agent, settings.behaviorCloningEpochs > 0 else { return }
        let data = trainer.realBuffer.orderedTransitions()
        let rows = data.observations.shape[0], batch = settings.behaviorCloningBatchSize
        let optimizer = Adam(agent.actor.namedParameters(), learningRate: settings.behaviorCloningLearningRate)
        for _ in 0..<settings.behaviorCloningEpochs {
            if StopRequest.isRequested { throw OfflineTrainingError.stopRequested(step: 0) }
            let order = rng.permutation(rows)
            for start in stride(from: 0, to: rows - batch + 1, by: batch) {   // whole batches, as Kit
                let indices = Array(order[start..<(start + batch)])
                let (action, _) = agent.actor.distribution(Variable(data.observations.gather(indices))).sample(rng: &rng)
                optimizer.minimize(meanSquaredError(action, Variable(data.actions.gather(indices))))
            }
        }
        if !agent.actor.parameterValues().values.allSatisfy({ $0.scalars.allSatisfy(\.isFinite) }) {
            throw OfflineTrainingError.nonFinite(phase: "RAMBO behaviour cloning", step: 0, quantity: "actor parameters")
        }
    }

    /// Kit's `RAMBOPolicy.update_dynamics` after update `trainer.step` when it is a multiple of the
    /// interval: rollouts of the current policy from data states, one adversarial model step per
    /// rollout step (§4.2, Algorithm 1). The metrics are the phase's means.
    func afterUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws -> TrainingMetrics {
        guard let agent, let model, let update, trainer.step % settings.adversarialInterval == 0, settings.adversarialSteps > 0 else {
            return [:]
        }
        let o = trainer.realBuffer.observationDimension, a = trainer.realBuffer.actionDimension, b = settings.adversarialBatchSize
        var starts = TransitionBatch(batchSize: b, observationDimension: o, actionDimension: a)
        var real = TransitionBatch(batchSize: b, observationDimension: o, actionDimension: a)
        var rollout = TransitionBatch(batchSize: b, observationDimension: o, actionDimension: a)
        var sums = TrainingMetrics()
        var steps = 0
        while steps < settings.adversarialSteps {
            trainer.realBuffer.sample(into: &starts, rng: &rng)
            var observations = starts.observations
            for _ in 0..<settings.adversarialRolloutLength where steps < settings.adversarialSteps {
                let actions = agent.act(observations, deterministic: false, rng: &rng)
                trainer.realBuffer.sample(into: &real, rng: &rng)
                let next = model.step(observations, actions, memberStatistics: false, rng: &rng)
                rollout.observations = observations
                rollout.actions = actions
                rollout.nextObservations = next.nextObservations
                rollout.rewards = next.rewards
                rollout.terminals = next.terminals
                let advantages = self.advantages(rollout, agent: agent)
                for (k, v) in update.step(rollout: rollout, advantages: advantages, real: real) { sums[k, default: 0] += v }
                steps += 1
                observations = next.nextObservations   // every row continues, terminal or not (Kit)
            }
        }
        return sums.mapValues { $0 / Double(steps) }
    }

    /// Â for a rollout batch: V(s') = minᵢ Qᵢ(s', π_det(s')) (− α log π when configured), Q(s, a) the
    /// critics' minimum at the policy's action, with the current critics (Kit).
    func advantages(_ rollout: TransitionBatch, agent: SACAgent) -> Tensor {
        let next = Variable(rollout.nextObservations)
        let policy = agent.actor.distribution(next)
        let nextActions = policy.mode
        var nextValues = agent.critics(next, nextActions).value.min(axis: 0)
        if settings.includeEntropyInAdvantage {
            nextValues = nextValues - agent.alpha * policy.logProb(preTanh: policy.base.mean).value
        }
        let baseline = agent.critics(Variable(rollout.observations), Variable(rollout.actions)).value.min(axis: 0)
        return AdversarialModelUpdate.normalizedAdvantages(rewards: rollout.rewards, terminals: rollout.terminals, nextValues: nextValues,
                                                           baseline: baseline, discount: discount)
    }
}
