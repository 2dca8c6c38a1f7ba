/// A blend of a learned model and the true dynamics (RAVL, Sims et al. 2024, Fig. 1): next states
/// and rewards move linearly from the model's sample towards the simulator's,
///
/// ```
/// s'_λ = (1 − λ)·s'_model + λ·s'_true,    r_λ = (1 − λ)·r_model + λ·r_true,    done = termination(s'_λ)
/// ```
/// so λ = 0 is the learned model and λ = 1 the oracle (with the termination rule applied to the
/// blended state). Member statistics, when asked for, are the learned model's with their means
/// shifted by the same blend, so uncertainty penalties keep measuring the learned model's spread.
///
/// ```swift
/// let halfway = InterpolatedDynamics(learned: ensemble, oracle: try TrueDynamics(named: "hopper"),
///                                    lambda: 0.5, termination: .hopper)
/// ```
public final class InterpolatedDynamics: DynamicsModel {
    /// The learned model (λ = 0).
    public let learned: any DynamicsModel
    /// The true dynamics (λ = 1).
    public let oracle: any DynamicsModel
    /// The weight of the oracle, in [0, 1].
    public let lambda: Float
    /// Decides `done` from the blended next observation.
    public let termination: TerminationFunction

    public var observationDimension: Int { learned.observationDimension }
    public var actionDimension: Int { learned.actionDimension }
    public var eliteCount: Int { learned.eliteCount }

    /// Blends `learned` towards `oracle` by `lambda`.
    public init(learned: any DynamicsModel, oracle: any DynamicsModel, lambda: Float, termination: TerminationFunction) {
        precondition((0...1).contains(lambda), "InterpolatedDynamics: λ must be in [0, 1], got \(lambda)")
        precondition(learned.observationDimension == oracle.observationDimension && learned.actionDimension == oracle.actionDimension,
                     "InterpolatedDynamics: the learned model and the oracle have different widths")
        self.learned = learned
        self.oracle = oracle
        self.lambda = lambda
        self.termination = termination
    }

    public func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool,
                     rng: inout RandomGenerator) -> ModelStep {
        let model = learned.step(observations, actions, memberStatistics: memberStatistics, rng: &rng)
        // λ = 0 is the learned model exactly: the simulator is not stepped, so an unphysical model
        // state cannot leak a NaN through 0·s'_true.
        if lambda == 0 { return model }
        let truth = oracle.step(observations, actions, memberStatistics: false, rng: &rng)
        let next = blend(model.nextObservations, truth.nextObservations)
        let rewards = blend(model.rewards, truth.rewards)
        let terminals = Tensor(termination(next).map { $0 ? Float(1) : 0 })
        var means = model.memberMeans
        if let m = means {
            // Shift every member's mean by the same offset the sample moved: λ(s'_true − s'_model).
            let rows = observations.shape[0], o = observationDimension
            let shift = Tensor.concatenate([truth.nextObservations - model.nextObservations,
                                            (truth.rewards - model.rewards).reshaped([rows, 1])], axis: 1) * lambda
            means = m + shift.reshaped([1, rows, o + 1])
        }
        return ModelStep(nextObservations: next, rewards: rewards, terminals: terminals, memberMeans: means,
                         memberStandardDeviations: model.memberStandardDeviations)
    }

    /// The learned model's elite samples, each blended with the true transition.
    public func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int,
                             rng: inout RandomGenerator) -> EliteSamples {
        let model = learned.sampleElites(observations, actions, samples: samples, rng: &rng)
        if lambda == 0 { return model }
        let truth = oracle.step(observations, actions, memberStatistics: false, rng: &rng)
        let rows = observations.shape[0], o = observationDimension
        let next = model.nextObservations * (1 - lambda) + truth.nextObservations.reshaped([1, 1, rows, o]) * lambda
        let rewards = model.rewards * (1 - lambda) + truth.rewards.reshaped([1, 1, rows]) * lambda
        return EliteSamples(nextObservations: next, rewards: rewards)
    }

    private func blend(_ model: Tensor, _ truth: Tensor) -> Tensor {
        model * (1 - lambda) + truth * lambda
    }
}
