import OfflineRL

/// A probabilistic ``DynamicsModels/DynamicsEnsemble`` fitted on ``Corridor`` data, with the task's
/// termination rule given, as MOPO and MOBILE assume known termination functions (Yu et al. 2020,
/// §4; Sun et al. 2023, §5). The corridor decides termination from (p, a), not from the next
/// observation (which reads 0 after either end), so this wrapper replaces the ensemble's flags
/// with the exact ones; next states, rewards and every member's statistics are the fit's.
final class FittedCorridorModel: DynamicsModel {
    let ensemble: DynamicsEnsemble
    var observationDimension: Int { 1 }
    var actionDimension: Int { 1 }
    var eliteCount: Int { ensemble.eliteCount }

    /// Fits a small ensemble (7 members, 5 elites, 2×64 SiLU) on `transitions`; a few seconds on
    /// the corridor's few hundred rows.
    init(fittingOn transitions: Transitions, seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        let configuration = DynamicsEnsembleConfiguration(hiddenSizes: [64, 64], weightDecays: [2.5e-5, 5e-5, 1e-4])
        let never = TerminationFunction(name: "corridor", observationDimension: 1) { _ in false }
        ensemble = try DynamicsEnsemble(observationDimension: 1, actionDimension: 1, configuration: configuration,
                                        termination: never, rng: &rng)
        _ = try ensemble.fit(transitions, rng: &rng)
    }

    func step(_ observations: Tensor, _ actions: Tensor, memberStatistics: Bool, rng: inout RandomGenerator) -> ModelStep {
        var step = ensemble.step(observations, actions, memberStatistics: memberStatistics, rng: &rng)
        let s = observations.scalars, u = actions.scalars
        step.terminals = Tensor(s.indices.map { Corridor.transition(s[$0], u[$0]).terminated ? 1 : 0 })
        return step
    }

    func sampleElites(_ observations: Tensor, _ actions: Tensor, samples: Int, rng: inout RandomGenerator) -> EliteSamples {
        ensemble.sampleElites(observations, actions, samples: samples, rng: &rng)
    }
}
