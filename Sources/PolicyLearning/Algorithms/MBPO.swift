/// MBPO-style offline training (Janner et al. 2019, "When to Trust Your Model", Algorithm 2):
/// SAC on a mix of real data and branched model rollouts, with no penalty. The base of RAVL
/// (Sims et al. 2024), which adds a large critic ensemble and EDAC's diversity term instead of
/// a dynamics penalty (research/ravl.md §1.5–1.6).
public struct MBPOConfiguration: Codable, Sendable, Equatable {
    /// Rollout horizon h (RAVL's default 5, ravl.md §1.6).
    public var rolloutHorizon: Int = 5
    /// Fraction of each batch from real data (RAVL's default 0.05).
    public var realRatio: Double = 0.05

    /// h = 5, 5 % real data.
    public init() {}

    /// Creates a configuration.
    public init(rolloutHorizon: Int, realRatio: Double = 0.05) {
        self.rolloutHorizon = rolloutHorizon
        self.realRatio = realRatio
    }
}
