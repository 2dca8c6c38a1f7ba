/// RAVL (Sims et al., "The Edge-of-Reach Problem in Offline Model-Based Reinforcement Learning",
/// NeurIPS 2024) as a plug-in of the shared offline trainer: the base algorithm is MBPO-style
/// offline SAC with no dynamics penalty; RAVL's critic side is
///
/// ```
/// N critics as one ensemble                                   (SACConfiguration.critics, N = 10)
/// y   = r + γ(1 − d)(minᵢ Q̄ᵢ(s', a') − α log π(a'|s'))          (official agent.py; SACAgent)
/// L_Q = Σᵢ mean_b (Qᵢ − y)² + η·L_div                           (EnsembleDiversityRegularizer)
/// L_π = mean_b (α log π(ã|s) − minᵢ Qᵢ(s, ã))                    (SACAgent)
/// ```
/// The minimum over all N critics in the target and in the actor objective is the shared
/// ``PolicyLearning/SACAgent``'s; this plug-in adds the diversity term and the
/// ``EdgeOfReachDiagnostics`` columns. With η = 0 it adds no loss term and draws no random
/// number the trainer sees, so N = 2, η = 0 is plain SAC ("Base", <doc:ReachAwareValueLearning>).
///
/// Deviations from the official code, all in the shared agent: its update order is OfflineRL-Kit's
/// (critic → actor → α) rather than α → actor → critic; networks use the library's
/// U(±1/√fan_in) initialisation, not EDAC's (hidden biases 0.1, output layers U(±3e-3)).
///
/// ### See Also
/// - ``RAVLRecipe``, ``RAVLPlugInFactory``, ``RAVLSettings``
public final class RAVLPlugIn: OfflinePlugIn {
    /// The settings.
    public let settings: RAVLSettings
    /// The installed regularizer (`nil` when η = 0 or before ``install(on:)``).
    public private(set) var regularizer: EnsembleDiversityRegularizer?

    /// A plug-in with `settings`.
    public init(settings: RAVLSettings) { self.settings = settings }

    /// Adds the diversity term to the agent's critic loss (when η > 0).
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` when η > 0 with fewer than two critics.
    public func install(on trainer: OfflineTrainer) throws {
        let agent = try trainer.sacAgent(for: "ravl")
        try settings.validate(critics: agent.critics.members)
        guard settings.eta > 0 else { return }
        let term = EnsembleDiversityRegularizer(eta: settings.eta)
        agent.criticRegularizers.append(term)
        regularizer = term
    }

    /// The edge-of-reach columns (``EdgeOfReachDiagnostics``) when enabled.
    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] {
        guard settings.diagnostics else { return [:] }
        return EdgeOfReachDiagnostics(samples: settings.diagnosticSamples).metrics(trainer: trainer)
    }
}

/// Builds ``RAVLPlugIn`` from the `"ravl"` settings of a configuration.
public struct RAVLPlugInFactory: OfflinePlugInFactory {
    /// The settings type.
    public typealias Settings = RAVLSettings

    /// Creates the factory.
    public init() {}

    /// `"ravl"`.
    public var key: String { "ravl" }

    /// The plug-in for `settings`.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` for out-of-range settings.
    public func makePlugIn(settings: RAVLSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        try settings.validate(critics: configuration.sac.critics)
        return RAVLPlugIn(settings: settings)
    }
}

/// The edge-of-reach columns for any algorithm, with no change to training: settings under
/// `"edge-of-reach"` (``EdgeOfReachSettings``), e.g. `--config` with
/// `{"plugIns": {"edge-of-reach": {}}}` on a MOPO or MOBILE run.
public final class EdgeOfReachPlugIn: OfflinePlugIn {
    /// The diagnostics.
    public let diagnostics: EdgeOfReachDiagnostics

    /// A plug-in drawing `samples` rows per buffer.
    public init(samples: Int = 2048) { diagnostics = EdgeOfReachDiagnostics(samples: samples) }

    /// Installs nothing: diagnostics only (of SAC's critics, so the learner must be SAC).
    public func install(on trainer: OfflineTrainer) throws { _ = try trainer.sacAgent(for: "edge-of-reach") }

    /// ``EdgeOfReachDiagnostics/metrics(trainer:)``.
    public func evaluationMetrics(trainer: OfflineTrainer) -> [String: Double] { diagnostics.metrics(trainer: trainer) }
}

/// Builds ``EdgeOfReachPlugIn`` from the `"edge-of-reach"` settings.
public struct EdgeOfReachPlugInFactory: OfflinePlugInFactory {
    /// The settings type.
    public typealias Settings = EdgeOfReachSettings

    /// Creates the factory.
    public init() {}

    /// `"edge-of-reach"`.
    public var key: String { "edge-of-reach" }

    /// The plug-in for `settings`.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` for a non-positive sample count.
    public func makePlugIn(settings: EdgeOfReachSettings, configuration: OfflineTrainingConfiguration) throws -> any OfflinePlugIn {
        guard settings.samples > 0 else {
            throw OfflineTrainingError.invalidConfiguration("plugIns.edge-of-reach.samples must be positive, got \(settings.samples)")
        }
        return EdgeOfReachPlugIn(samples: settings.samples)
    }
}
