import Testing
import TestSupport
import Environments

@Suite("Simulator state")
struct SimulatorStateTests {
    func rollout(_ env: some MuJoCoEnvironment, _ actions: [[Float]]) -> [[Float]] {
        var obs = [Float](repeating: 0, count: env.observationSpec.dimension)
        return actions.map { _ = env.step($0, into: &obs); return obs }
    }

    @Test("Restoring a captured state reproduces the continuation bit for bit", arguments: MuJoCoTask.allCases)
    func roundTrip(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 3)
        _ = env.reset(seed: 9)
        let warmup = (0..<10).map { _ in randomAction(env.actionSpec.dimension, rng: &rng) }
        _ = rollout(env, warmup)
        let saved = env.state
        #expect(saved.time > 0)
        let actions = (0..<20).map { _ in randomAction(env.actionSpec.dimension, rng: &rng) }
        let first = rollout(env, actions)
        env.setState(saved)
        #expect(env.state == saved)
        #expect(rollout(env, actions) == first)
    }

    @Test("reset(seed:) is deterministic and draws the documented noise", arguments: MuJoCoTask.allCases)
    func resetNoise(task: MuJoCoTask) throws {
        let env = try task.make()
        let a = env.reset(seed: 42), stateA = env.state
        let b = env.reset(seed: 42)
        #expect(a == b)
        #expect(env.state == stateA)
        #expect(env.reset(seed: 43) != a)
        let scale = task.isHalfCheetah ? 0.1 : 5e-3
        var maxPositionNoise = 0.0
        for seed in 0..<20 as Range<UInt64> {
            _ = env.reset(seed: seed)
            let qpos = env.simulator.positions, qpos0 = env.simulator.initialPositions
            for i in qpos.indices { maxPositionNoise = max(maxPositionNoise, abs(qpos[i] - qpos0[i])) }
            if !task.isHalfCheetah { #expect(env.simulator.velocities.allSatisfy { abs($0) <= 5e-3 }) }
        }
        #expect(maxPositionNoise <= scale && maxPositionNoise > scale / 2)
    }

    @Test("A state rebuilt from an observation steps like the original; x does not matter", arguments: MuJoCoTask.allCases)
    func fromObservation(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 8)
        _ = env.reset(seed: 1)
        _ = rollout(env, (0..<5).map { _ in randomAction(env.actionSpec.dimension, rng: &rng).map { $0 * 0.3 } })
        let observation = env.observation
        // Clipped velocities (|v| ≥ 10) cannot be rebuilt; this state has none.
        let velocities = observation[(env.simulator.positionCount - 1)...]
        try #require(velocities.allSatisfy { abs($0) < 10 })
        let action = randomAction(env.actionSpec.dimension, rng: &rng)
        let truth = env.step(action)

        env.setState(fromObservation: observation)
        #expect(env.observation == observation)
        let atZero = env.step(action)
        env.setState(fromObservation: observation, x: 5.3)
        let shifted = env.step(action)
        let xError = maxAbsDifference(Tensor(atZero.observation), Tensor(shifted.observation))
        let truthError = maxAbsDifference(Tensor(atZero.observation), Tensor(truth.observation))
        print("\(task) rebuilt from observation: x shift changes obs by \(xError); vs truth \(truthError)")
        #expect(xError <= 1e-6)
        #expect(abs(atZero.reward - shifted.reward) <= 1e-6)
        // Against the true continuation: the observation holds the state rounded to Float32 and the
        // solver restarts from a fresh warm start; measured ≤ 5e-7 after one step, checked at 1e-4.
        #expect(truthError <= 1e-4)
        #expect(abs(atZero.reward - truth.reward) <= 1e-3)
    }

    @Test("Observed velocities of Hopper and Walker2d are clipped to ±10; HalfCheetah's are not", arguments: MuJoCoTask.allCases)
    func velocityClipping(task: MuJoCoTask) throws {
        let env = try task.make()
        var qvel = [Double](repeating: 0, count: env.simulator.velocityCount)
        qvel[1] = 25
        qvel[3] = -40
        env.setState(positions: env.simulator.initialPositions, velocities: qvel)
        let obs = env.observation, offset = env.simulator.positionCount - 1
        let clipped = !task.isHalfCheetah
        #expect(obs[offset + 1] == (clipped ? 10 : 25))
        #expect(obs[offset + 3] == (clipped ? -10 : -40))
    }

    @Test("Actions are clipped to [-1, 1] before the control cost, as D4RL's wrapper does", arguments: MuJoCoTask.allCases)
    func actionClipping(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 4)
        let inRange = randomAction(env.actionSpec.dimension, rng: &rng).enumerated().map { i, a in
            i == 0 ? Float(1) : i == 1 ? Float(-1) : a
        }
        var outOfRange = inRange
        outOfRange[0] = 3.5
        outOfRange[1] = -2
        _ = env.reset(seed: 0)
        let saved = env.state
        let reference = env.step(inRange)
        env.setState(saved)
        let clipped = env.step(outOfRange)
        #expect(clipped == reference)
        #expect(env.simulator.controls[0] == 1 && env.simulator.controls[1] == -1)
    }
}
