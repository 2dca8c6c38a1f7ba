/// CQL: conservative Q-learning (Kumar et al., "Conservative Q-Learning for Offline Reinforcement
/// Learning", NeurIPS 2020), model-free, as OfflineRL-Kit runs it on D4RL
/// (`offlinerlkit/policy/model_free/cql.py`, `run_example/run_cql.py`): the recipe
/// (`orl train --algo cql`) and the plug-in in one place.
///
/// SAC on the dataset alone (`DynamicsSource.noModel`, every row real) whose critics carry
/// ``ConservativeQTerm`` (eq. (4), CQL(H)) and, with ``CQLSettings/deterministicBackup``, a target
/// without the entropy term (``DeterministicBackup``). Kit's settings: 2 critics of 3 × 256, actor
/// lr 1e-4, critic lr 3e-4, α auto-tuned from 1 (lr 1e-4, unclamped), w = 5, T = 1, R = 10, no
/// Lagrange tuning of w, 1,000 epochs of 1,000 updates.
public struct CQL: OfflineAlgorithmRecipe, OfflinePlugInFactory {
    /// CQL's settings, stored under `plugIns.cql`.
    public typealias Settings = CQLSettings

    /// Creates the algorithm.
    public init() {}

    public var name: String { "cql" }
    public var key: String { "cql" }
    public var summary: String { "CQL (Kumar et al. 2020): model-free SAC with the conservative log-sum-exp critic term" }

    /// Kit's script runs every D4RL-Gym task with w = 5, T = 1 ("suggested hypers"), so there is no per-task table.
    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        var c = OfflineTrainingConfiguration(algorithm: name, dataset: dataset)
        c.useRealDataOnly()
        c.sac = OfflineTrainingConfiguration.kitConservativeSAC(clampAlpha: false)
        c.cosineActorSchedule = false                 // MFPolicyTrainer without lr_scheduler
        c.setPlugInSettings(key, CQLSettings())
        c.apply(preset)
        c.setPaperEpochs(1000, preset: preset)
        return c
    }

    public func makePlugIn(settings: CQLSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate(key: key)
        return ConservativePlugIn(key: key, settings: settings, pushDownRows: .all, pushUpRows: .all)
    }
}

/// CQL's settings (`plugIns.cql`; COMBO's ``COMBOSettings`` add the rows and per-task weight).
public struct CQLSettings: DefaultedSettings {
    /// w, the conservative term's weight (Kit `cql-weight` 5.0 for all D4RL-Gym tasks; the paper's α).
    public var weight: Float = 5
    /// T, the log-sum-exp temperature (Kit `temperature` 1.0).
    public var temperature: Float = 1
    /// R, actions per proposal and state (Kit `num-repeat-actions` 10).
    public var sampledActions: Int = 10
    /// Bootstrap without SAC's entropy term (Kit `deterministic-backup` True).
    public var deterministicBackup: Bool = true

    /// Kit's settings.
    public init() {}

    /// Settings with weight `weight`.
    public init(weight: Float, temperature: Float = 1, sampledActions: Int = 10, deterministicBackup: Bool = true) {
        self.weight = weight
        self.temperature = temperature
        self.sampledActions = sampledActions
        self.deterministicBackup = deterministicBackup
    }

    /// Checks the ranges.
    /// - Throws: `OfflineTrainingError.invalidConfiguration(_:)` naming the bad key.
    func validate(key: String) throws(OfflineTrainingError) {
        guard weight.isFinite && weight >= 0 else { throw .invalidConfiguration("plugIns.\(key).weight must be finite and ≥ 0, got \(weight)") }
        guard temperature.isFinite && temperature > 0 else {
            throw .invalidConfiguration("plugIns.\(key).temperature must be positive, got \(temperature)")
        }
        guard (1...1000).contains(sampledActions) else {
            throw .invalidConfiguration("plugIns.\(key).sampledActions must be in 1…1000, got \(sampledActions)")
        }
    }
}

/// Installs the conservative term (and the deterministic backup) on the SAC agent: CQL's and COMBO's plug-in.
final class ConservativePlugIn: OfflinePlugIn {
    let key: String
    let settings: CQLSettings
    let pushDownRows: BatchRows, pushUpRows: BatchRows

    init(key: String, settings: CQLSettings, pushDownRows: BatchRows, pushUpRows: BatchRows) {
        self.key = key
        self.settings = settings
        self.pushDownRows = pushDownRows
        self.pushUpRows = pushUpRows
    }

    func install(on trainer: OfflineTrainer) throws {
        let agent = try trainer.sacAgent(for: key)
        agent.criticRegularizers.append(ConservativeQTerm(actor: agent.actor, weight: settings.weight, temperature: settings.temperature,
                                                          sampledActions: settings.sampledActions,
                                                          pushDownRows: pushDownRows, pushUpRows: pushUpRows))
        if settings.deterministicBackup { try trainer.install(targetAdjustment: DeterministicBackup(), by: key) }
    }
}
