import Testing
import TestSupport
import Environments

/// What Gymnasium v5 (Minari's datasets) changed for the tasks here, checked against Gymnasium:
/// Hopper-v5 and Walker2d-v5 pay no healthy reward on the terminating step, Walker2d-v5 uses
/// `walker2d_v5.xml`; everything else equals v4.
@Suite("Gymnasium v5 semantics")
struct LocomotionV5Tests {
    /// One step from an unhealthy state (it terminates) matches Gymnasium's v4 and v5 rewards; for
    /// Hopper v5 pays exactly 1 less than v4.
    @Test("the terminating step pays no healthy reward", arguments: [("hopper", 2, 0.5), ("walker2d", 1, 0.7)])
    func terminatingStep(task: String, coordinate: Int, value: Double) throws {
        let v4 = try makeMuJoCoEnvironment(named: task), v5 = try makeMuJoCoEnvironment(named: task + "-v5")
        var qpos = v4.simulator.initialPositions
        qpos[coordinate] = value
        let qvel = [Double](repeating: 0, count: v4.simulator.velocityCount)
        let action = [Float](repeating: 0.25, count: v4.actionSpec.dimension)
        var outcomes = [StepOutcome]()
        for env in [v4, v5] {
            env.setState(positions: qpos, velocities: qvel)
            var obs = [Float](repeating: 0, count: env.observationSpec.dimension)
            outcomes.append(env.step(action, into: &obs))
        }
        #expect(outcomes[0].terminated && outcomes[1].terminated)
        let capitalized = task == "hopper" ? "Hopper" : "Walker2d"
        let case_ = GymnasiumReference.Case(qpos: qpos, qvel: qvel, actions: [action.map(Double.init)])
        let gym4 = try GymnasiumReference.run(.init(env: capitalized + "-v4", single: [case_]), observationWidth: v4.observationSpec.dimension).single[0]
        let gym5 = try GymnasiumReference.run(.init(env: capitalized + "-v5", single: [case_]), observationWidth: v4.observationSpec.dimension).single[0]
        #expect(gym5.terminated[0])
        #expect(abs(outcomes[0].reward - gym4.reward[0]) < 1e-9 && abs(outcomes[1].reward - gym5.reward[0]) < 1e-9)
        // Hopper's model is the same in v4 and v5, so the difference is exactly the healthy reward
        // (Walker2d-v5's feet frictions change the step too).
        if task == "hopper" {
            #expect(abs(gym4.reward[0] - gym5.reward[0] - 1) < 1e-12)
            #expect(abs(outcomes[0].reward - outcomes[1].reward - 1) < 1e-12)
        }
    }

    @Test func namesSelectTheVersion() throws {
        #expect((try makeMuJoCoEnvironment(named: "walker2d-v5") as? Walker2d)?.version == .v5)
        #expect((try makeMuJoCoEnvironment(named: "Hopper-v5") as? Hopper)?.version == .v5)
        #expect((try makeMuJoCoEnvironment(named: "hopper-medium-v2") as? Hopper)?.version == .v4)
        #expect((try makeMuJoCoEnvironment(named: "Hopper-v4") as? Hopper)?.version == .v4)
        #expect(try TerminationFunction.named("walker2d-v5").name == TerminationFunction.walker2d.name)
        var env = try makeEnvironment(named: "halfcheetah-v5")
        #expect(env.observationSpec.dimension == 17)
        _ = env.reset(seed: 1)
    }
}
