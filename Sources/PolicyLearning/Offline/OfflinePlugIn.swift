/// A module that changes the shared offline loop without copying it: MOREC's transition filter,
/// RAVL's critic diversity term, Lipschitz critic regularizers, diagnostics.
///
/// A plug-in's settings live in ``OfflineTrainingConfiguration/plugIns`` under its
/// ``OfflinePlugInFactory/key``, so `config.json` and checkpoints record them and a resumed run
/// rebuilds the same plug-ins. ``OfflineTrainer`` calls ``install(on:)`` once the agent and the
/// model exist and before a checkpoint is restored; the plug-in then sets the hooks it needs:
///
/// | hook | what it changes |
/// | --- | --- |
/// | ``OfflineTrainer/filter`` | which model transitions are kept (``DynamicsModels/TransitionFilter``) |
/// | ``OfflineTrainer/penalty`` | the reward penalty on rollouts (``DynamicsModels/RewardPenalty``) |
/// | ``OfflineTrainer/rolloutObservers`` | diagnostics on every rollout step |
/// | ``SACAgent/criticRegularizers``, ``SACAgent/targetAdjustment`` | the critic loss and targets |
public protocol OfflinePlugIn: AnyObject {
    /// Sets the trainer's hooks.
    func install(on trainer: OfflineTrainer) throws
    /// Extra columns of the evaluation row in `progress.jsonl`/`.csv` (diagnostics); called at
    /// every evaluation.
    func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double]
}

extension OfflinePlugIn {
    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] { [:] }
}

/// Builds a module's ``OfflinePlugIn`` from the settings stored in a configuration. The `orl`
/// executable keeps one factory per module and asks each for its plug-in.
public protocol OfflinePlugInFactory {
    /// The key of the module's settings in ``OfflineTrainingConfiguration/plugIns`` (`"morec"`).
    var key: String { get }
    /// The plug-in for `configuration`'s settings under ``key``.
    func makePlugIn(configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn
}

extension OfflineTrainingConfiguration {
    /// The settings stored under `key`, decoded, or `nil` when absent.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` when they do not decode as `T`.
    public func plugInSettings<T: Decodable>(_ key: String, as type: T.Type) throws(OfflineTrainingError) -> T? {
        guard let value = plugIns[key] else { return nil }
        do { return try value.decode(as: T.self) } catch {
            throw .invalidConfiguration("plugIns.\(key): \(error)")
        }
    }

    /// Stores `settings` under `key`.
    public mutating func setPlugInSettings(_ key: String, _ settings: some Encodable) throws {
        plugIns[key] = try JSONValue(encoding: settings)
    }

    /// The plug-ins of every factory whose key has settings in this configuration.
    public func makePlugIns(_ factories: [any OfflinePlugInFactory]) throws -> [any OfflinePlugIn] {
        let known = Set(factories.map(\.key))
        if let unknown = plugIns.keys.sorted().first(where: { !known.contains($0) }) {
            throw OfflineTrainingError.invalidConfiguration(
                "plugIns.\(unknown): no module of that name; known: \(known.sorted().joined(separator: ", "))")
        }
        return try factories.filter { plugIns[$0.key] != nil }.map { try $0.makePlugIn(configuration: self) }
    }
}
