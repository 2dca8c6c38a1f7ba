/// The critic target without SAC's entropy term, `y = r + γ(1 − d)·minᵢ Q̄ᵢ(s', a')` with
/// a' ~ π(·|s'): OfflineRL-Kit's `deterministic_backup=True` of CQL and COMBO
/// (`offlinerlkit/policy/model_free/cql.py`, `learn`). It recomputes the target the agent made
/// (one more policy sample and target-critic pass on the batch's next states).
public final class DeterministicBackup: TargetAdjustment {
    /// Creates the adjustment.
    public init() {}

    public func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                       rng: inout RandomGenerator) {
        let nextActions = agent.actor.sampleWithLogProb(batch.nextObservations, rng: &rng).action
        let nextQ = agent.targetCritics(Variable(batch.nextObservations), Variable(nextActions)).value.min(axis: 0)
        targets = batch.rewards + agent.configuration.discount * (1 - batch.terminals) * nextQ
    }
}
