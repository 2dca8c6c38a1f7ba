/// RAVL's settings, stored in ``PolicyLearning/OfflineTrainingConfiguration/plugIns`` under `"ravl"`.
/// The critic ensemble itself is SAC's (``PolicyLearning/SACConfiguration/critics``, N = 10 in
/// ``RAVLRecipe``); these are the parts RAVL adds. Missing keys take their defaults, so
/// `{"ravl": {}}` is RAVL with the paper's η.
///
/// ```json
/// "plugIns": { "ravl": { "eta": 1.0, "diagnostics": true, "diagnosticSamples": 2048 } }
/// ```
public struct RAVLSettings: DefaultedSettings {
    /// The weight η of EDAC's diversity term (official default 1.0; 0 gives SAC-N / "Base").
    public var eta: Float = 1
    /// Log the edge-of-reach diagnostics (``EdgeOfReachDiagnostics``) at every evaluation.
    public var diagnostics: Bool = true
    /// Rows drawn from each buffer for the diagnostics.
    public var diagnosticSamples: Int = 2048

    /// The paper's settings.
    public init() {}

    /// Settings with weight `eta`.
    public init(eta: Float, diagnostics: Bool = true, diagnosticSamples: Int = 2048) {
        self.eta = eta
        self.diagnostics = diagnostics
        self.diagnosticSamples = diagnosticSamples
    }

    /// Checks the ranges against the configuration's ensemble size.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/invalidConfiguration(_:)`` naming the bad key.
    public func validate(critics: Int) throws(OfflineTrainingError) {
        guard eta.isFinite && eta >= 0 else { throw .invalidConfiguration("plugIns.ravl.eta must be finite and ≥ 0, got \(eta)") }
        guard eta == 0 || critics >= 2 else {
            throw .invalidConfiguration("plugIns.ravl.eta = \(eta) needs sac.critics ≥ 2 (the diversity term compares critics), got \(critics)")
        }
        guard diagnosticSamples > 0 else {
            throw .invalidConfiguration("plugIns.ravl.diagnosticSamples must be positive, got \(diagnosticSamples)")
        }
    }
}

/// Settings of the diagnostics-only plug-in, stored under `"edge-of-reach"`: the same columns as
/// RAVL's for any algorithm (MOPO, MOBILE, MBPO), with no change to training.
public struct EdgeOfReachSettings: DefaultedSettings {
    /// Rows drawn from each buffer per evaluation.
    public var samples: Int = 2048

    /// The defaults.
    public init() {}

    /// Settings drawing `samples` rows.
    public init(samples: Int) { self.samples = samples }

}
