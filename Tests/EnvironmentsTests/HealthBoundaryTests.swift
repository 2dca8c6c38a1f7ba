import Testing
import TestSupport
import Environments

/// Health and termination rules at their boundaries, in our environments, in Gymnasium, and in
/// the termination functions for model rollouts, which see only the Float32 observation: at a
/// bound within one Float32 rounding, and for the velocities the observation clips to ±10, they
/// differ from the state's health, and each probe says where.
@Suite("Health boundaries")
struct HealthBoundaryTests {
    /// A boundary state: one coordinate set to a value on or just inside a bound.
    struct Probe {
        var label: String
        var qpos: [Double]
        var qvel: [Double]
        var healthy: Bool
        /// What the termination function decides from the observation, where that is not `!healthy`.
        var observationTerminal: Bool? = nil

        /// The termination function's expected verdict on this probe's observation.
        var expectedTermination: Bool { observationTerminal ?? !healthy }
    }

    /// The termination function on Gymnasium's observation of each probe (rounded to Float32, as
    /// the library stores observations) and on the environment's own: the probe's expected verdict.
    static func checkTermination(_ termination: TerminationFunction, probes: [Probe], gymnasium: GymnasiumReference.Response,
                                 env: some MuJoCoEnvironment) {
        for (probe, observation) in zip(probes, gymnasium.healthObservations) {   // counts checked by run
            #expect(termination(observation.map(Float.init)) == probe.expectedTermination, "termination function on Gymnasium's observation: \(probe.label)")
            env.setState(positions: probe.qpos, velocities: probe.qvel)
            #expect(termination(env.observation) == probe.expectedTermination, "termination function on our observation: \(probe.label)")
        }
    }

    static func hopperProbes() -> [Probe] {
        let qpos = [0, 1.25, 0, 0, 0, 0], qvel = [Double](repeating: 0, count: 6)
        func with(_ label: String, pos: [Int: Double] = [:], vel: [Int: Double] = [:], healthy: Bool,
                  observationTerminal: Bool? = nil) -> Probe {
            var p = qpos, v = qvel
            for (i, x) in pos { p[i] = x }
            for (i, x) in vel { v[i] = x }
            return Probe(label: label, qpos: p, qvel: v, healthy: healthy, observationTerminal: observationTerminal)
        }
        return [
            with("reference pose", healthy: true),
            with("z = 0.7", pos: [1: 0.7], healthy: false),
            with("z just above 0.7 (Float32: 0.69999999)", pos: [1: 0.7.nextUp], healthy: true, observationTerminal: true),
            with("angle = 0.2", pos: [2: 0.2], healthy: false),
            with("angle just below 0.2 (Float32: 0.2000000030)", pos: [2: 0.2.nextDown], healthy: true, observationTerminal: true),
            with("angle = -0.2", pos: [2: -0.2], healthy: false),
            with("angle just above -0.2 (Float32: -0.2000000030)", pos: [2: (-0.2).nextUp], healthy: true, observationTerminal: true),
            with("joint = 100", pos: [3: 100], healthy: false),
            with("joint just below 100 (Float32: 100)", pos: [3: 100.0.nextDown], healthy: true, observationTerminal: true),
            with("joint = -100", pos: [5: -100], healthy: false),
            with("root x velocity = 100 (unclipped qvel counts; the observation shows 10)", vel: [0: 100], healthy: false,
                 observationTerminal: false),
            with("root x velocity just below 100", vel: [0: 100.0.nextDown], healthy: true),
            with("foot velocity = -100 (the observation shows -10)", vel: [5: -100], healthy: false, observationTerminal: false),
            with("root x far away (not checked)", pos: [0: 1e6], healthy: true),
        ]
    }

    static func walkerProbes() -> [Probe] {
        let qpos = [0, 1.25, 0, 0, 0, 0, 0, 0, 0], qvel = [Double](repeating: 0, count: 9)
        func with(_ label: String, pos: [Int: Double] = [:], vel: [Int: Double] = [:], healthy: Bool,
                  observationTerminal: Bool? = nil) -> Probe {
            var p = qpos, v = qvel
            for (i, x) in pos { p[i] = x }
            for (i, x) in vel { v[i] = x }
            return Probe(label: label, qpos: p, qvel: v, healthy: healthy, observationTerminal: observationTerminal)
        }
        return [
            with("reference pose", healthy: true),
            with("z = 0.8 (Float32: 0.80000001)", pos: [1: 0.8], healthy: false, observationTerminal: false),
            with("z just above 0.8", pos: [1: 0.8.nextUp], healthy: true),
            with("z = 2.0", pos: [1: 2.0], healthy: false),
            with("z just below 2.0 (Float32: 2)", pos: [1: 2.0.nextDown], healthy: true, observationTerminal: true),
            with("angle = 1", pos: [2: 1], healthy: false),
            with("angle just below 1 (Float32: 1)", pos: [2: 1.0.nextDown], healthy: true, observationTerminal: true),
            with("angle = -1", pos: [2: -1], healthy: false),
            with("angle just above -1 (Float32: -1)", pos: [2: (-1.0).nextUp], healthy: true, observationTerminal: true),
            with("joint = 150 (no range check)", pos: [4: 150], healthy: true),
            with("velocity = 500 (no range check)", vel: [3: 500], healthy: true),
        ]
    }

    @Test("Hopper: our rule, the environment and Gymnasium agree at every bound")
    func hopper() throws {
        let env = try Hopper()
        let probes = Self.hopperProbes()
        for probe in probes {
            #expect(Hopper.isHealthy(positions: probe.qpos, velocities: probe.qvel) == probe.healthy, "\(probe.label)")
            env.setState(positions: probe.qpos, velocities: probe.qvel)
            #expect(env.isTerminal == !probe.healthy, "\(probe.label)")
        }
        let gym = try GymnasiumReference.run(.init(env: "Hopper-v4", health: probes.map { .init(qpos: $0.qpos, qvel: $0.qvel) }),
                                             observationWidth: 11)   // one answer per probe: checked by run
        for (probe, healthy) in zip(probes, gym.health) { #expect(healthy == probe.healthy, "Gymnasium: \(probe.label)") }
        Self.checkTermination(.hopper, probes: probes, gymnasium: gym, env: env)
        #expect(!Hopper.isHealthy(positions: [0, .nan, 0, 0, 0, 0], velocities: [0, 0, 0, 0, 0, 0]))
        #expect(!Hopper.isHealthy(positions: [0, .infinity, 0, 0, 0, 0], velocities: [0, 0, 0, 0, 0, 0]))
        #expect(!Hopper.isHealthy(positions: [0, 1.25, 0, 0, 0, 0], velocities: [0, 0, .nan, 0, 0, 0]))
    }

    @Test("Walker2d: our rule, the environment and Gymnasium agree at every bound")
    func walker2d() throws {
        let env = try Walker2d()
        let probes = Self.walkerProbes()
        for probe in probes {
            #expect(Walker2d.isHealthy(positions: probe.qpos) == probe.healthy, "\(probe.label)")
            env.setState(positions: probe.qpos, velocities: probe.qvel)
            #expect(env.isTerminal == !probe.healthy, "\(probe.label)")
        }
        let gym = try GymnasiumReference.run(.init(env: "Walker2d-v4", health: probes.map { .init(qpos: $0.qpos, qvel: $0.qvel) }),
                                             observationWidth: 17)
        for (probe, healthy) in zip(probes, gym.health) { #expect(healthy == probe.healthy, "Gymnasium: \(probe.label)") }
        Self.checkTermination(.walker2d, probes: probes, gymnasium: gym, env: env)
        #expect(!Walker2d.isHealthy(positions: [0, .nan, 0, 0, 0, 0, 0, 0, 0]))
    }

    @Test("A step that ends unhealthy terminates and still pays the healthy reward")
    func terminatingStepPaysHealthyReward() throws {
        let env = try Hopper()
        // Tilted past the angle bound: unhealthy after any one step.
        env.setState(positions: [0, 1.25, 0.5, 0, 0, 0], velocities: [0, 0, 0, 0, 0, 0])
        let x0 = env.simulator.positions[0]
        let result = env.step([0, 0, 0])
        let forward = (env.simulator.positions[0] - x0) / env.dt
        #expect(result.terminated)
        #expect(abs(result.reward - (forward + 1)) < 1e-12)
    }
}
