import Foundation

/// MOREC's settings in a run's configuration, `plugIns.morec` (the official
/// `EnsembleDynamics.step` and launch scripts; <doc:RewardConsistentDynamics>).
/// Missing keys keep their defaults, so `--config` may override one field.
///
/// ```json
/// {"plugIns": {"morec": {"rewardPath": "runs/morec-reward/hopper-medium-orl/reward.h5", "selection": "softmax"}}}
/// ```
public struct MORECSettings: DefaultedSettings {
    /// The dynamics-reward file (`reward.h5` from `orl morec learn-reward`); required.
    public var rewardPath: String?
    /// Gaussian draws per elite (2; with 5 elites, 10 candidates).
    public var samplesPerElite: Int = 2
    /// `argmax` (official `select_elite`) or `softmax` (`softmax_elite`).
    public var selection: String = "argmax"
    /// Softmax temperature (official 0.1, i.e. softmax(10·r)).
    public var temperature: Float = 0.1
    /// Chosen transitions with a lower reward are terminal (official 0.6).
    public var threshold: Float = 0.6
    /// Candidate clip (official 25 on D4RL, 1e6 on NeoRL).
    public var clipValue: Float = 25
    /// Drop low-reward rows instead of storing them as terminal (ablation only).
    public var dropBelowThreshold: Bool = false
    /// Rows per rollout step checked against the true simulator for the diagnostics (0: rates only).
    public var diagnosticRows: Int = 32

    /// The defaults (no reward path).
    public init() {}

    /// The defaults with the reward at `rewardPath`.
    public init(rewardPath: String?) { self.rewardPath = rewardPath }

    /// The selection rule.
    /// - Throws: ``MORECError/invalidSettings(_:)`` for an unknown name or a non-positive temperature.
    public func candidateSelection() throws(MORECError) -> CandidateSelection {
        switch selection.lowercased() {
        case "argmax", "sel", "select_elite": return .argmax
        case "softmax", "soft", "softmax_elite":
            guard temperature > 0 else { throw .invalidSettings("plugIns.morec.temperature must be positive, got \(temperature)") }
            return .softmax(temperature: temperature)
        default: throw .invalidSettings("plugIns.morec.selection '\(selection)': expected argmax or softmax")
        }
    }

    /// Checks ranges.
    public func validate() throws(MORECError) {
        _ = try candidateSelection()
        guard samplesPerElite > 0 else { throw .invalidSettings("plugIns.morec.samplesPerElite must be positive, got \(samplesPerElite)") }
        guard clipValue > 0 else { throw .invalidSettings("plugIns.morec.clipValue must be positive, got \(clipValue)") }
        guard diagnosticRows >= 0 else { throw .invalidSettings("plugIns.morec.diagnosticRows must be ≥ 0, got \(diagnosticRows)") }
    }

    enum CodingKeys: String, CodingKey {
        case rewardPath, samplesPerElite, selection, temperature, threshold, clipValue, dropBelowThreshold, diagnosticRows
    }

}

/// Installs MOREC on an ``PolicyLearning/OfflineTrainer``: the ``RewardConsistentFilter`` as the
/// trainer's transition filter (the base algorithm's penalty stays), and
/// ``MORECRolloutDiagnostics`` as a rollout observer whose summary becomes `morec_*` columns of
/// every evaluation row; per-step rates go to `morec-rollout-steps.jsonl` in the run directory.
public final class MORECPlugIn: OfflinePlugIn {
    /// The settings.
    public let settings: MORECSettings
    /// The dynamics reward.
    public let reward: DynamicsRewardEnsemble
    /// The filter, once installed.
    public private(set) var filter: RewardConsistentFilter?
    /// The diagnostics, once installed.
    public private(set) var diagnostics: MORECRolloutDiagnostics?
    private var trimmedLog = false

    /// Loads the reward named by `settings`.
    /// - Parameters:
    ///   - settings: the plug-in's settings.
    ///   - dataset: the run's dataset, named in the error's hint when the reward is missing.
    /// - Throws: ``MORECError/missingRewardFile(path:hint:)`` when the path is unset or absent.
    public init(settings: MORECSettings, dataset: String? = nil) throws {
        try settings.validate()
        guard let path = settings.rewardPath else {
            throw MORECError.missingRewardFile(path: "(plugIns.morec.rewardPath is not set)",
                                               hint: "Learn one with `orl morec learn-reward --dataset NAME --out DIR` and set plugIns.morec.rewardPath to DIR/reward.h5.")
        }
        do {
            reward = try DynamicsRewardEnsemble.load(from: path)
        } catch let error as MORECError {
            if case .missingRewardFile = error {
                throw MORECError.missingRewardFile(path: path, hint: "Learn it with `orl morec learn-reward --dataset \(dataset ?? "NAME") --out \((path as NSString).deletingLastPathComponent)`, or set plugIns.morec.rewardPath.")
            }
            throw error
        }
        self.settings = settings
    }

    /// Creates the plug-in around an already loaded reward (tests, notebooks).
    public init(settings: MORECSettings, reward: DynamicsRewardEnsemble) throws {
        try settings.validate()
        self.settings = settings
        self.reward = reward
    }

    public func install(on trainer: OfflineTrainer) throws {
        let o = trainer.realBuffer.observationDimension, a = trainer.realBuffer.actionDimension
        guard reward.observationDimension == o, reward.actionDimension == a else {
            throw MORECError.fileMismatch(file: settings.rewardPath ?? "the reward",
                                          reason: "it is for \(reward.observationDimension)/\(reward.actionDimension) observation/action widths, the dataset has \(o)/\(a)")
        }
        let filter = RewardConsistentFilter(reward: reward, samplesPerElite: settings.samplesPerElite,
                                            selection: try settings.candidateSelection(), threshold: settings.threshold,
                                            clipValue: settings.clipValue, dropBelowThreshold: settings.dropBelowThreshold,
                                            termination: try? TerminationFunction.named(trainer.environmentName))
        try trainer.install(filter: filter, by: "morec")
        let oracle: (any DynamicsModel)? = settings.diagnosticRows > 0 ? try? TrueDynamics(named: trainer.environmentName) : nil
        let diagnostics = MORECRolloutDiagnostics(filter: filter, oracle: oracle, rowsPerStep: settings.diagnosticRows)
        trainer.rolloutObservers.append(diagnostics)
        self.filter = filter
        self.diagnostics = diagnostics
    }

    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] {
        guard let diagnostics else { return [:] }
        let row = diagnostics.summary()
        let rates = diagnostics.perStepRates()
        if !rates.rows.isEmpty { try? appendStepLog(trainer: trainer, rates: rates) }
        diagnostics.reset()
        return row
    }

    /// One JSON line per evaluation; on the first write of a process, lines from steps at or past
    /// the current one (left by a killed run) are dropped so a resumed log matches an uninterrupted one.
    private func appendStepLog(trainer: OfflineTrainer, rates: (accept: [Double], terminal: [Double], rows: [Int])) throws {
        let url = trainer.directory.appendingPathComponent("morec-rollout-steps.jsonl")
        var text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        if !trimmedLog {
            text = text.split(separator: "\n").filter { line in
                guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = row["step"] as? Int else { return false }
                return step < trainer.step
            }.map { $0 + "\n" }.joined()
            trimmedLog = true
        }
        struct Line: Encodable { var step: Int; var accept_rate: [Double]; var terminal_rate: [Double]; var rows: [Int] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text += String(decoding: try encoder.encode(Line(step: trainer.step, accept_rate: rates.accept, terminal_rate: rates.terminal,
                                                         rows: rates.rows)), as: UTF8.self) + "\n"
        try AtomicFile.write(Data(text.utf8), to: url.path)
    }
}

/// Builds ``MORECPlugIn`` from `plugIns.morec` (key `"morec"`).
public struct MORECPlugInFactory: OfflinePlugInFactory {
    /// The settings type.
    public typealias Settings = MORECSettings
    /// Creates the factory.
    public init() {}
    /// `"morec"`.
    public var key: String { "morec" }
    /// The plug-in for `settings` (loads the dynamics reward).
    public func makePlugIn(settings: MORECSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try MORECPlugIn(settings: settings, dataset: configuration.dataset)
    }
}
