import DynamicsModels

/// Small synthetic transition sets with known dynamics and noise, made in the test.
struct SyntheticData {
    var observations: Tensor, actions: Tensor, nextObservations: Tensor, rewards: Tensor

    /// Linear system: s' = s + 0.1·(A s + B a) + σ ε,  r = wᵀs − 0.5‖a‖²/act + σ ε, with s, a ~ U(−1, 1).
    static func linear(count n: Int, noise: Float, rng: inout RandomGenerator) -> SyntheticData {
        let o = 3, a = 2
        let s = Tensor.uniform([n, o], low: -1, high: 1, rng: &rng)
        let u = Tensor.uniform([n, a], low: -1, high: 1, rng: &rng)
        let matrixA = Tensor([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.1]])
        let matrixB = Tensor([[1.0, 0.0, -0.5], [0.3, -1.0, 0.8]])
        let next = s + (s.matmul(matrixA) + u.matmul(matrixB)) * 0.1 + Tensor.normal([n, o], std: noise, rng: &rng)
        let w = Tensor([[1.0], [-0.5], [0.25]])
        let r = s.matmul(w).reshaped([n]) - u.square().sum(axis: 1) * 0.25 + Tensor.normal([n], std: noise, rng: &rng)
        return SyntheticData(observations: s, actions: u, nextObservations: next, rewards: r)
    }

    /// Targets independent of the inputs: s' = s + σ ε, r = σ ε.
    static func pureNoise(count n: Int, noise: Float, rng: inout RandomGenerator) -> SyntheticData {
        let s = Tensor.uniform([n, 2], low: -1, high: 1, rng: &rng)
        let u = Tensor.uniform([n, 1], low: -1, high: 1, rng: &rng)
        return SyntheticData(observations: s, actions: u, nextObservations: s + Tensor.normal([n, 2], std: noise, rng: &rng),
                             rewards: Tensor.normal([n], std: noise, rng: &rng))
    }

    /// Heteroscedastic: one state x, Δx = 0.5·a + σ(x)·ε with σ(x) = 0.02 + 0.2·(x + 1); r = x + 0.05 ε.
    static func heteroscedastic(count n: Int, rng: inout RandomGenerator) -> SyntheticData {
        let s = Tensor.uniform([n, 1], low: -1, high: 1, rng: &rng)
        let u = Tensor.uniform([n, 1], low: -1, high: 1, rng: &rng)
        let eps = Tensor.normal([n, 1], rng: &rng)
        let next = s + u * 0.5 + (s.map(trueStd) * eps)
        let r = s.reshaped([n]) + Tensor.normal([n], std: 0.05, rng: &rng)
        return SyntheticData(observations: s, actions: u, nextObservations: next, rewards: r)
    }

    static func trueStd(_ x: Float) -> Float { 0.02 + 0.2 * (x + 1) }

    @discardableResult
    func fit(_ model: DynamicsEnsemble, rng: inout RandomGenerator, resumingFrom state: DynamicsFitState? = nil,
             progress: ((DynamicsEpochReport) -> Void)? = nil,
             checkpoint: ((DynamicsFitState) throws(DynamicsModelError) -> Void)? = nil) throws -> DynamicsFitSummary {
        try model.fit(observations: observations, actions: actions, nextObservations: nextObservations, rewards: rewards,
                      rng: &rng, resumingFrom: state, progress: progress, checkpoint: checkpoint)
    }
}

/// A small ensemble for fast tests.
func smallConfiguration(members: Int = 4, elites: Int = 3, hidden: [Int] = [32, 32], maxEpochs: Int? = 30,
                        probabilistic: Bool = true, batchSize: Int = 64) -> DynamicsEnsembleConfiguration {
    DynamicsEnsembleConfiguration(hiddenSizes: hidden, members: members, elites: elites, probabilistic: probabilistic,
                                  weightDecays: [Float](repeating: 2.5e-5, count: hidden.count + 1), batchSize: batchSize,
                                  maxEpochs: maxEpochs)
}

func never(_ dimension: Int) -> TerminationFunction {
    TerminationFunction(name: "never", observationDimension: dimension) { _ in false }
}
