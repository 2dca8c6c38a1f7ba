/// The learner of the shared offline loop: what ``OfflineTrainer`` trains, rolls out in the model,
/// evaluates and checkpoints. ``SACAgent`` is the default; an ``OfflineAgentFactory`` supplies
/// another (TD3+BC's deterministic actor, IQL's expectile value learning) without copying the loop.
///
/// The trainer calls ``update(_:rng:)`` once per step on a mixed batch (real rows first), ``act(_:deterministic:rng:)``
/// for model rollouts (stochastic) and evaluation (deterministic), anneals ``actorOptimizer``'s
/// learning rate when ``OfflineTrainingConfiguration/cosineActorSchedule`` is set, and saves
/// ``checkpointParts`` in `checkpoint.h5` and `final.h5`. Everything a resumed run needs to continue
/// bit for bit (counters included) must be in those parts.
public protocol OfflineAgent: AnyObject {
    /// Observation width.
    var observationDimension: Int { get }
    /// Action width.
    var actionDimension: Int { get }
    /// The optimizer whose learning rate the trainer's cosine schedule sets (the actor's).
    var actorOptimizer: Adam { get }
    /// The networks, optimizers and any state a checkpoint stores, by part name.
    var checkpointParts: [String: Checkpoint.Part] { get }
    /// One update on `batch`; returns the statistics to log (every value must be finite).
    func update(_ batch: TransitionBatch, rng: inout RandomGenerator) -> TrainingMetrics
    /// Actions for `[B, obs]` observations, `[B, act]`: the policy's deterministic action when
    /// `deterministic` (evaluation), else a sample (model rollouts).
    func act(_ observations: Tensor, deterministic: Bool, rng: inout RandomGenerator) -> Tensor
}

extension SACAgent: OfflineAgent {}

/// What an ``OfflineAgentFactory`` knows when it builds an agent.
public struct OfflineAgentContext {
    /// Observation width.
    public var observationDimension: Int
    /// Action width.
    public var actionDimension: Int
    /// The dataset's transitions when training (for statistics such as TD3+BC's state
    /// normalization or IQL's reward scale); `nil` when an agent is rebuilt from a saved file,
    /// whose checkpoint parts then hold every such statistic.
    public var realData: ReplayBuffer?

    /// Creates a context.
    public init(observationDimension: Int, actionDimension: Int, realData: ReplayBuffer? = nil) {
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.realData = realData
    }
}

/// A plug-in factory that also supplies the loop's learner in place of ``SACAgent``: the agent
/// side of the loop opens the way the algorithm side does. A configuration with settings under
/// the factory's key trains the factory's agent; two such keys are refused
/// (``OfflineTrainingError/conflictingPlugIns(hook:first:second:)``, hook "agent").
///
/// The agent reads the loop-wide learner settings from ``OfflineTrainingConfiguration/sac`` (hidden
/// widths, learning rates, discount, Polyak rate, batch size, number of critics) and its own from
/// its settings type; SAC's entropy settings do not apply to it.
public protocol OfflineAgentFactory: OfflinePlugInFactory {
    /// The agent for `settings` in a run configured by `configuration`, initialised from `rng`.
    func makeAgent(settings: Settings, configuration: OfflineTrainingConfiguration, context: OfflineAgentContext,
                   rng: inout RandomGenerator) throws -> any OfflineAgent
}

extension OfflineAgentFactory {
    /// The agent for the settings stored in `configuration` (which must hold some).
    func makeAgent(configuration: OfflineTrainingConfiguration, context: OfflineAgentContext,
                   rng: inout RandomGenerator) throws -> any OfflineAgent {
        guard let settings = try settings(in: configuration) else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.\(key) is missing")
        }
        return try makeAgent(settings: settings, configuration: configuration, context: context, rng: &rng)
    }
}

extension OfflineAlgorithmRegistry {
    /// The learner for `configuration`: the agent of the one ``OfflineAgentFactory`` whose key has
    /// settings in it, else a ``SACAgent`` (drawing from `rng` exactly as before agents were pluggable).
    /// - Throws: ``OfflineTrainingError/conflictingPlugIns(hook:first:second:)`` for two agent
    ///   plug-ins; the factory's errors.
    public func makeAgent(for configuration: OfflineTrainingConfiguration, context: OfflineAgentContext,
                          rng: inout RandomGenerator) throws -> any OfflineAgent {
        let owners = factories.compactMap { $0 as? any OfflineAgentFactory }.filter { configuration.plugIns[$0.key] != nil }
        if owners.count > 1 {
            throw OfflineTrainingError.conflictingPlugIns(hook: "agent", first: owners[0].key, second: owners[1].key)
        }
        if let factory = owners.first {
            return try factory.makeAgent(configuration: configuration, context: context, rng: &rng)
        }
        let statistics = configuration.sac.standardizeObservations
            ? context.realData.map { Normalizer(fitting: $0.orderedTransitions().observations) } : nil
        return SACAgent(observationDimension: context.observationDimension, actionDimension: context.actionDimension,
                        configuration: configuration.sac, observationStatistics: statistics, rng: &rng)
    }
}
