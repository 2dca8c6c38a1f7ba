import DynamicsModels
import LinearAlgebra
import NeuralNetworks

/// What both rollout benchmarks roll out: a 7-member 4×200 SiLU ensemble of HalfCheetah's widths
/// (obs 17, action 6, so no row terminates) driven by a random 17→256→256→12 ReLU tanh-Gaussian
/// actor that samples every action, from `startStates` normal start states; with the matmul FLOPs
/// (2·m·n·k) of one transition's actor and member passes.
struct RolloutFixture {
    /// Matmul FLOPs of the actor on one state: 2·(17·256 + 256·256 + 256·12) = 145,920.
    static let actorFlop = Double(2 * (17 * 256 + 256 * 256 + 256 * 12))
    /// Matmul FLOPs of one member on one (state, action): 2·(23·200 + 3·200·200 + 200·36) = 263,600.
    static let memberFlop = Double(2 * (23 * 200 + 3 * 200 * 200 + 200 * 36))

    let model: DynamicsEnsemble
    let policy: (Tensor, inout RandomGenerator) -> Tensor
    let starts: Tensor

    init(startStates: Int, rng: inout RandomGenerator) {
        model = try! DynamicsEnsemble(observationDimension: 17, actionDimension: 6, termination: .halfCheetah, rng: &rng)
        let actor = MLP([17, 256, 256, 12], activation: .relu, rng: &rng)
        actor.freeze()
        policy = { states, rng in
            let out = actor(Variable(states)).value                                   // [B, 12]
            let mean = out.slice(0..<6, axis: 1), logStd = out.slice(6..<12, axis: 1).clamped(min: -5, max: 2)
            return (mean + logStd.exp() * Tensor.normal(mean.shape, rng: &rng)).tanh()
        }
        starts = Tensor.normal([startStates, 17], rng: &rng)
    }
}
