/// Settings of ``AdversarialStateNoise``, the robust loss on adversarially perturbed states
/// (Zheng et al. 2023 mechanism ii; this library's design, <doc:LipschitzRegularization>). Every number here is this
/// library's documented choice: the paper's ε, attack, step count and weight were not recoverable.
public struct AdversarialNoiseSettings: DefaultedSettings {
    /// The attack that finds the perturbation.
    public enum Attack: String, Codable, Sendable, CaseIterable {
        /// One signed-gradient step from a random start (Wong et al. 2020's "fast" FGSM).
        case fgsm
        /// ``steps`` projected signed-gradient steps (Madry et al. 2018).
        case pgd
    }

    /// Radius ε of the ℓ∞ ball in normalized state units: |δⱼ| ≤ ε·σⱼ, σ the dataset's per-dimension
    /// state standard deviation (RORL's scaling, Yang et al. 2022). Default 0.05, on the scale of a
    /// dynamics model's one-step error (only the local Lipschitz constant within the model error
    /// matters, <doc:LipschitzRegularization>).
    public var epsilon: Float
    /// FGSM or PGD (default PGD).
    public var attack: Attack
    /// PGD steps K (default 3; FGSM always takes one).
    public var steps: Int
    /// Step size as a fraction of ε; `nil` means 1.25 for FGSM (Wong et al. 2020) and 2.5/K for PGD
    /// (Madry et al. 2018).
    public var stepSize: Float?
    /// Weight λ of the robust loss in the critic loss (default 1: the same footing as the TD loss).
    public var weight: Float
    /// Start from a uniform point in the ball (needed: the objective's gradient is 0 at δ = 0).
    public var randomStart: Bool
    /// Treat the clean Q(s, a) as a constant in the robust loss (default `false`: both terms get
    /// gradients, as in RORL).
    public var detachClean: Bool

    /// The defaults above.
    public init() { self.init(epsilon: 0.05) }

    /// Creates the settings with the defaults above.
    public init(epsilon: Float = 0.05, attack: Attack = .pgd, steps: Int = 3, stepSize: Float? = nil,
                weight: Float = 1, randomStart: Bool = true, detachClean: Bool = false) {
        self.epsilon = epsilon
        self.attack = attack
        self.steps = steps
        self.stepSize = stepSize
        self.weight = weight
        self.randomStart = randomStart
        self.detachClean = detachClean
    }

    /// Attack steps actually taken.
    public var attackSteps: Int { attack == .fgsm ? 1 : steps }

    /// The step size α as a fraction of ε.
    public var stepFraction: Float { stepSize ?? (attack == .fgsm ? 1.25 : 2.5 / Float(Swift.max(steps, 1))) }

    /// What is wrong with these settings, or `nil`.
    public var problem: String? {
        if !(epsilon > 0 && epsilon.isFinite) { return "epsilon must be a positive number, got \(epsilon)" }
        if steps < 1 { return "steps must be at least 1, got \(steps)" }
        if let stepSize, !(stepSize > 0 && stepSize.isFinite) { return "stepSize must be a positive number, got \(stepSize)" }
        if !(weight >= 0 && weight.isFinite) { return "weight must be a non-negative number, got \(weight)" }
        return nil
    }
}
