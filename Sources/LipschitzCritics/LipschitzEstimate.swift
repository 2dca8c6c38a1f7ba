/// Two measurements of a critic ensemble's Lipschitz constant in its `[s, a]` input, per member.
///
/// ```
/// upper bound:  L̄ᵢ = Πₗ ‖Wₗ,ᵢ‖₂           (ReLU is 1-Lipschitz; ‖·‖₂ by Armadillo's SVD of the
///                                           weight each layer applies, c·W/σ̂ when normalised)
/// empirical:    L̂ᵢ = max_b ‖∇_{[s,a]} Qᵢ(s_b, a_b)‖₂      on a batch of dataset rows (≤ L̄ᵢ)
/// ```
/// (<doc:LipschitzRegularization>.)
public struct LipschitzEstimate: Sendable, Equatable {
    /// L̄ᵢ per member.
    public var upperBounds: [Double]
    /// L̂ᵢ per member (state and action).
    public var empirical: [Double]
    /// max_b ‖∇_s Qᵢ‖ per member (the state block only: Zheng et al.'s quantity is V's in s).
    public var empiricalState: [Double]
    /// The mean of ‖∇_{[s,a]} Qᵢ‖ over members and rows.
    public var meanGradientNorm: Double

    /// Measures `critics` on the rows `observations` `[B, obs]`, `actions` `[B, act]`.
    /// - Throws: ``LinearAlgebra/LinearAlgebraError`` when an SVD fails (non-finite weights).
    public init(critics: CriticEnsemble, observations: Tensor, actions: Tensor) throws {
        let n = critics.members
        var bounds = [Double](repeating: 1, count: n)
        for w in critics.effectiveWeights() {                                   // [N, in, out]
            let rows = w.shape[1], cols = w.shape[2]
            for e in 0..<n {
                bounds[e] *= Double(try w.slice(e..<(e + 1), axis: 0).reshaped([rows, cols]).spectralNorm())
            }
        }
        upperBounds = bounds
        let (_, gs, ga) = criticInputGradients(critics, observations: observations, actions: actions)
        let stateSquared = gs.value.square().sum(axis: 2)                           // [N, B]
        let norms = (stateSquared + ga!.value.square().sum(axis: 2)).sqrt()
        empirical = (0..<n).map { Double(norms.slice($0..<($0 + 1), axis: 0).max()) }
        let stateNorms = stateSquared.sqrt()
        empiricalState = (0..<n).map { Double(stateNorms.slice($0..<($0 + 1), axis: 0).max()) }
        meanGradientNorm = Double(norms.mean())
    }

    /// The evaluation-row columns: `lipschitz_upper_max`/`_mean`, `lipschitz_empirical_max`/`_mean`,
    /// `lipschitz_empirical_state_max`, `critic_input_grad_norm_mean` (max and mean over members).
    public var columns: [String: Double] {
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(Swift.max(x.count, 1)) }
        return ["lipschitz_upper_max": upperBounds.max() ?? 0, "lipschitz_upper_mean": mean(upperBounds),
                "lipschitz_empirical_max": empirical.max() ?? 0, "lipschitz_empirical_mean": mean(empirical),
                "lipschitz_empirical_state_max": empiricalState.max() ?? 0,
                "critic_input_grad_norm_mean": meanGradientNorm]
    }
}
