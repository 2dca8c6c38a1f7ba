/// A piece of an algorithm that changes the shared offline loop without copying it: a base
/// algorithm's penalty (MOPO's reward penalty, MOBILE's target adjustment), MOREC's transition
/// filter, RAVL's critic diversity term, Lipschitz critic regularizers, diagnostics.
///
/// A plug-in's settings live in ``OfflineTrainingConfiguration/plugIns`` under its
/// ``OfflinePlugInFactory/key``, so `config.json` and checkpoints record them and a resumed run
/// rebuilds the same plug-ins. ``OfflineTrainer`` calls ``install(on:)`` once the agent and the
/// model exist and before a checkpoint is restored, in the registry's order (base algorithms
/// first); the plug-in then sets the hooks it needs:
///
/// | hook | what it changes |
/// | --- | --- |
/// | ``OfflineTrainer/filter`` | which model transitions are kept (``DynamicsModels/TransitionFilter``) |
/// | ``OfflineTrainer/penalty`` | the reward penalty on rollouts (``DynamicsModels/RewardPenalty``) |
/// | ``OfflineTrainer/rolloutObservers`` | diagnostics on every rollout step |
/// | ``SACAgent/criticRegularizers``, ``SACAgent/targetAdjustment`` | the critic loss and targets (through ``OfflineTrainer/sacAgent(for:)``) |
/// | ``OfflineTrainer/updateHooks`` | work before the first and after every update (``OfflineUpdateHook``), e.g. training the model |
/// | ``checkpointParts`` (a requirement, not a hook) | the plug-in's own networks and optimizers in `checkpoint.h5` and `final.h5` |
///
/// The learner itself is not installed: an ``OfflineAgentFactory`` (a factory that also builds an
/// ``OfflineAgent``) supplies it before any plug-in is installed.
///
/// A hook that holds one value (the penalty, the filter, the target adjustment) is set through
/// ``OfflineTrainer/install(penalty:by:)`` and its siblings, which refuse a second plug-in
/// claiming it.
///
/// A plug-in that changes state during training (a model it trains, that training's optimizer)
/// lists it in ``checkpointParts``: every `checkpoint.h5` stores those parts beside the learner's
/// and a resume loads them back (then calls ``didRestoreCheckpoint(trainer:)``), so a killed run
/// continues exactly. `final.h5` holds them too, beside the learner (RAMBO's adversarially trained
/// model, for instance), so what a run trained is kept with its agent.
public protocol OfflinePlugIn: AnyObject {
    /// Sets the trainer's hooks.
    func install(on trainer: OfflineTrainer) throws
    /// Extra columns of the evaluation row in `progress.jsonl`/`.csv` (diagnostics); called at
    /// every evaluation.
    func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double]
    /// Modules (with their optimizers) this plug-in trains, saved in every checkpoint under these
    /// part names, which must differ from the learner's (`actor`, `critics`, …) and other
    /// plug-ins'. Read after ``install(on:)``; none by default.
    var checkpointParts: [String: Checkpoint.Part] { get }
    /// Called once a resumed run has loaded ``checkpointParts`` from its checkpoint, to refresh
    /// anything derived from them (cached weights).
    func didRestoreCheckpoint(trainer: OfflineTrainer) throws
}

extension OfflinePlugIn {
    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] { [:] }
    public var checkpointParts: [String: Checkpoint.Part] { [:] }
    public func didRestoreCheckpoint(trainer: OfflineTrainer) throws {}
}

/// Builds a plug-in from the settings stored in a configuration. An ``OfflineAlgorithmRegistry``
/// keeps one factory per key.
public protocol OfflinePlugInFactory: Sendable {
    /// The settings type stored under ``key``; missing keys take its defaults, unknown keys are errors.
    associatedtype Settings: DefaultedSettings
    /// The key of the settings in ``OfflineTrainingConfiguration/plugIns`` (`"morec"`).
    var key: String { get }
    /// The plug-in for `settings`, in a run configured by `configuration`.
    func makePlugIn(settings: Settings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn
}

extension OfflinePlugInFactory {
    /// The settings stored under ``key`` in `configuration`, laid over the defaults, or `nil` when absent.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming an unknown key or a bad value.
    public func settings(in configuration: OfflineTrainingConfiguration) throws(OfflineTrainingError) -> Settings? {
        try configuration.plugInSettings(key, as: Settings.self)
    }

    /// The plug-in for the settings stored in `configuration` (which must hold some).
    public func makePlugIn(configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard let settings = try settings(in: configuration) else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.\(key) is missing")
        }
        return try makePlugIn(settings: settings, configuration: configuration)
    }

    /// The complete settings tree of the stored settings (every key, defaults filled in).
    func canonicalSettings(in configuration: OfflineTrainingConfiguration) throws(OfflineTrainingError) -> JSONValue? {
        try settings(in: configuration)?.settingsTree
    }
}

extension OfflineTrainingConfiguration {
    /// The settings stored under `key`, laid over `T`'s defaults, or `nil` when absent.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming an unknown key or a bad value.
    public func plugInSettings<T: DefaultedSettings>(_ key: String, as type: T.Type) throws(OfflineTrainingError) -> T? {
        guard let value = plugIns[key] else { return nil }
        do { return try T.resolved(overrides: [value]) } catch {
            throw .invalidConfiguration("plugIns.\(key): \(error)")
        }
    }

    /// Stores `settings` under `key` (as a complete tree).
    public mutating func setPlugInSettings(_ key: String, _ settings: some DefaultedSettings) {
        plugIns[key] = settings.settingsTree
    }
}
