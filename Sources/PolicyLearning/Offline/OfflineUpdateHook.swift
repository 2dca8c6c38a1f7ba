/// Work a plug-in does between policy updates of the shared loop, with the trainer's random
/// generator: training the dynamics model against the current policy (RAMBO's adversarial model
/// updates), pre-training the actor before the first update (RAMBO's behaviour cloning).
///
/// A plug-in appends its hook to ``OfflineTrainer/updateHooks`` in ``OfflinePlugIn/install(on:)``.
/// Hooks draw from the loop's own generator, which checkpoints save, so a killed and resumed run
/// repeats their draws exactly; state a hook changes (a model's parameters, an optimizer's
/// moments) belongs in the plug-in's ``OfflinePlugIn/checkpointParts``.
public protocol OfflineUpdateHook: AnyObject {
    /// Called once before the first update of a run (``OfflineTrainer/step`` 0), before the first
    /// model rollout. A run resumed from a checkpoint has passed this point and does not call it.
    /// Work that takes minutes should look at ``StopRequest`` between its epochs and throw
    /// ``OfflineTrainingError/stopRequested(step:)`` with step 0: nothing is saved yet, and the
    /// resumed run calls this again from the same generator state.
    func beforeFirstUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws
    /// Called after every update, once ``OfflineTrainer/step`` counts it (the first call sees 1)
    /// and before that step's evaluation and checkpoint. The returned statistics are averaged into
    /// the next evaluation row like the learner's; return none on steps where the hook does nothing.
    func afterUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws -> TrainingMetrics
}

extension OfflineUpdateHook {
    public func beforeFirstUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws {}
    public func afterUpdate(trainer: OfflineTrainer, rng: inout RandomGenerator) throws -> TrainingMetrics { [:] }
}
