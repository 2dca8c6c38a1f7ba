/// Settings of ``GradientPenalty`` (Gulrajani et al. 2017; Blondé et al. 2022's defaults,
/// `lionelblonde/liayn-pytorch` `agents/sam_agent.py`: one-sided, target 1, weight 10, on interpolates).
public struct GradientPenaltySettings: DefaultedSettings {
    /// Which deviations are penalised.
    public enum Sides: String, Codable, Sendable, CaseIterable {
        /// ψ(n) = max(0, n − k)²: only norms above the target (Blondé et al.).
        case one
        /// ψ(n) = (n − k)² (WGAN-GP).
        case two
    }

    /// Where the input gradient is taken.
    public enum Points: String, Codable, Sendable, CaseIterable {
        /// At the batch's own (s, a).
        case data
        /// At x̃ = ε·x + (1 − ε)·x_π, x_π a random partner row of the same batch (real and model rows
        /// mix), with independent ε ~ U[0, 1] per sample for the state and the action block
        /// (Blondé et al.'s "wgan" interpolation).
        case interpolates
    }

    /// Which input block the gradient norm covers.
    public enum Inputs: String, Codable, Sendable, CaseIterable {
        /// ‖∇_{[s,a]} Q‖ (Blondé et al. concatenate both blocks).
        case stateAction
        /// ‖∇_s Q‖ only.
        case state
    }

    /// Weight λ (default 10).
    public var weight: Float
    /// Target norm k (default 1). MuJoCo-scale Q-values may need a larger k.
    public var target: Float
    /// One- or two-sided (default one).
    public var sides: Sides
    /// Data points or interpolates (default interpolates).
    public var points: Points
    /// The gradient's input block (default state and action).
    public var inputs: Inputs

    /// The defaults above.
    public init() { self.init(weight: 10) }

    /// Creates the settings with the defaults above.
    public init(weight: Float = 10, target: Float = 1, sides: Sides = .one, points: Points = .interpolates,
                inputs: Inputs = .stateAction) {
        self.weight = weight
        self.target = target
        self.sides = sides
        self.points = points
        self.inputs = inputs
    }

    /// What is wrong with these settings, or `nil`.
    public var problem: String? {
        if !(weight >= 0 && weight.isFinite) { return "weight must be a non-negative number, got \(weight)" }
        if !(target >= 0 && target.isFinite) { return "target must be a non-negative number, got \(target)" }
        return nil
    }
}
