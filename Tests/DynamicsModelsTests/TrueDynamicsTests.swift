import Testing
import TestSupport
import DynamicsModels

@Suite("True dynamics")
struct TrueDynamicsTests {
    @Test("reproduces environment steps from the same rebuilt state exactly", arguments: ["hopper", "halfcheetah"])
    func matchesEnvironment(task: String) throws {
        let env = try makeMuJoCoEnvironment(named: task)
        let reference = try makeMuJoCoEnvironment(named: task)
        let oracle = try TrueDynamics(named: task)
        let o = oracle.observationDimension, a = oracle.actionDimension
        var rng = RandomGenerator(seed: 21)
        var observations = [Float](), actions = [Float](), trajectoryNext = [Float]()
        var observation = env.reset(seed: 3)
        for _ in 0..<12 {
            let action = (0..<a).map { _ in rng.uniform(-1, 1) }
            let result = env.step(action)
            observations += observation
            actions += action
            trajectoryNext += result.observation
            observation = result.observation
            if result.terminated { observation = env.reset(seed: 4) }
        }
        let rows = 12
        let s = Tensor(shape: [rows, o], scalars: observations), u = Tensor(shape: [rows, a], scalars: actions)
        let step = oracle.step(s, u, rng: &rng)
        #expect(step.memberStandardDeviations! == Tensor.zeros([1, rows, o + 1]))
        for b in 0..<rows {
            reference.setState(fromObservation: Array(observations[(b * o)..<((b + 1) * o)]), x: 0)
            let expected = reference.step(Array(actions[(b * a)..<((b + 1) * a)]))
            for j in 0..<o { #expect(step.nextObservations[b, j] == expected.observation[j]) }
            #expect(step.rewards[b] == Float(expected.reward))
            #expect((step.terminals[b] == 1) == expected.terminated)
            // And close to the original trajectory (the rebuilt state differs by Float32 rounding).
            for j in 0..<o { #expect(abs(step.nextObservations[b, j] - trajectoryNext[b * o + j]) < 1e-3) }
        }
        let samples = oracle.sampleElites(s, u, samples: 2, rng: &rng)
        #expect(samples.nextObservations.shape == [2, 1, rows, o])
        #expect(samples.nextObservations.slice(1..<2, axis: 0).reshaped([rows, o]) == step.nextObservations)
    }

    @Test("hopper terminations come from the simulator")
    func hopperTerminates() throws {
        let oracle = try TrueDynamics(named: "hopper")
        var rng = RandomGenerator(seed: 1)
        var fallen = oracle.environment.reset(seed: 0)
        fallen[0] = 0.5                                       // z below 0.7: unhealthy
        let s = Tensor(shape: [1, 11], scalars: fallen)
        let step = oracle.step(s, Tensor.zeros([1, 3]), memberStatistics: false, rng: &rng)
        #expect(step.terminals == Tensor([1]))
    }
}
