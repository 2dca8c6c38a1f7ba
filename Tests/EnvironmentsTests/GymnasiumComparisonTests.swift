import Testing
import TestSupport
import Environments

/// Our environments against Gymnasium's v4 and v5 classes from identical simulator states and actions.
///
/// Tolerances. Observations are Float32 here, Float64 in Gymnasium: rounding alone gives a
/// relative error of up to 2⁻²⁴ ≈ 6e-8. The physics differs too: Gymnasium runs pip `mujoco` 2.3.3,
/// we run Debian's 2.2.2; MuJoCo 2.3.3 against 3.3.7 on the same model drifts by
/// ~1e-15 after one step and ≤ 1e-9 after 50 steps (HalfCheetah, the most chaotic), ~1e-13 for
/// Hopper/Walker2d. So observations are checked at |Δ| ≤ 1e-6·(1 + |x|) after one step (Float32
/// rounding with margin) and 1e-5·(1 + |x|) over 50 steps (room for chaotic growth through
/// contacts); rewards, which stay Float64 but divide position noise by dt ≥ 0.008, at 1e-9 after
/// one step and 1e-6 over 50 steps. Measured here: observations ≤ 5e-8 (pure Float32 rounding),
/// rewards ≤ 5e-14, for all three tasks. A wrong term is far outside: changing Hopper's control
/// weight by 10 % moves the reward by ~2e-4 and fails both tests.
///
/// The termination function for model rollouts (``TerminationFunction``), applied to Gymnasium's
/// own observation of every step, must say what Gymnasium's `terminated` says.
@Suite("Gymnasium v4 and v5 comparison")
struct GymnasiumComparisonTests {
    static let stepTolerance = 1e-6
    static let rewardTolerance = 1e-9
    static let trajectoryTolerance = 1e-5

    func maxScaledError(_ ours: [Float], _ theirs: [Double]) -> Double {
        zip(ours, theirs).map { abs(Double($0) - $1) / (1 + abs($1)) }.max() ?? .infinity
    }

    @Test("one step from identical states matches", arguments: MuJoCoTask.allCases)
    func oneStep(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 11)
        var cases = [GymnasiumReference.Case]()
        var ours = [(obs: [Float], outcome: StepOutcome)]()
        for k in 0..<24 {
            // Every fourth state has large velocities, so clipping at ±10 (Hopper, Walker2d) is
            // exercised; every sixth is tilted past both walkers' angle bounds, so steps terminate.
            var (qpos, qvel) = randomState(env, rng: &rng, velocityScale: k % 4 == 3 ? 30 : 1)
            if k % 6 == 5 { qpos[2] += k % 12 == 5 ? 1.2 : -1.2 }
            let action = randomAction(env.actionSpec.dimension, rng: &rng)
            cases.append(.init(qpos: qpos, qvel: qvel, actions: [action.map(Double.init)]))
            env.setState(positions: qpos, velocities: qvel)
            var obs = [Float](repeating: 0, count: env.observationSpec.dimension)
            let outcome = env.step(action, into: &obs)
            ours.append((obs, outcome))
        }
        // The reply's counts (24 records of one step, each observation full width) are checked by run.
        let reference = try GymnasiumReference.run(.init(env: task.gymnasiumID, single: cases),
                                                   observationWidth: env.observationSpec.dimension)
        let termination = try TerminationFunction.named(task.rawValue)
        var worstObs = 0.0, worstReward = 0.0, terminated = 0
        for (mine, theirs) in zip(ours, reference.single) {
            worstObs = max(worstObs, maxScaledError(mine.obs, theirs.obs[0]))
            worstReward = max(worstReward, abs(mine.outcome.reward - theirs.reward[0]))
            #expect(mine.outcome.terminated == theirs.terminated[0])
            #expect(mine.outcome.truncated == theirs.truncated[0])
            #expect(termination(theirs.obs[0].map(Float.init)) == theirs.terminated[0], "termination function on \(theirs.obs[0])")
            terminated += theirs.terminated[0] ? 1 : 0
        }
        print("\(task) one step vs gymnasium \(reference.versions): max obs error \(worstObs), reward \(worstReward), \(terminated) of 24 terminated")
        if !task.isHalfCheetah { #expect(terminated >= 4 && terminated < 24, "both outcomes are compared") }
        #expect(worstObs <= Self.stepTolerance)
        #expect(worstReward <= Self.rewardTolerance)
    }

    @Test("50-step trajectories stay close", arguments: MuJoCoTask.allCases)
    func trajectory(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 5)
        let (qpos, qvel) = randomState(env, rng: &rng, velocityScale: 0.1)
        let actions = (0..<50).map { _ in randomAction(env.actionSpec.dimension, rng: &rng) }
        env.setState(positions: qpos, velocities: qvel)
        var obs = [Float](repeating: 0, count: env.observationSpec.dimension)
        var ours = [(obs: [Float], outcome: StepOutcome)]()
        for action in actions {
            let outcome = env.step(action, into: &obs)
            ours.append((obs, outcome))
        }
        let reference = try GymnasiumReference.run(.init(
            env: task.gymnasiumID, trajectory: .init(qpos: qpos, qvel: qvel, actions: actions.map { $0.map(Double.init) })),
            observationWidth: env.observationSpec.dimension)
        let theirs = try #require(reference.trajectory)   // 50 steps, each observation full width: checked by run
        let termination = try TerminationFunction.named(task.rawValue)
        var worstObs = 0.0, worstReward = 0.0
        for t in actions.indices {
            worstObs = max(worstObs, maxScaledError(ours[t].obs, theirs.obs[t]))
            worstReward = max(worstReward, abs(ours[t].outcome.reward - theirs.reward[t]))
            #expect(ours[t].outcome.terminated == theirs.terminated[t], "step \(t)")
            #expect(termination(theirs.obs[t].map(Float.init)) == theirs.terminated[t], "termination function at step \(t)")
        }
        print("\(task) 50 steps vs gymnasium: max obs error \(worstObs), reward \(worstReward), terminated at \(theirs.terminated.firstIndex(of: true).map(String.init) ?? "no step")")
        #expect(worstObs <= Self.trajectoryTolerance)
        #expect(worstReward <= 1e-6)
    }

    /// A reply that answers less than was asked (fewer cases, steps, flags, probes, or shorter
    /// observations) is an error, not a shorter comparison.
    @Test func shortRepliesAreRejected() {
        let step = GymnasiumReference.Case(qpos: [0], qvel: [0], actions: [[0], [0]])
        let request = GymnasiumReference.Request(env: "Hopper-v4", single: [step, step], trajectory: step, health: [step])
        let record = GymnasiumReference.StepRecord(obs: [[0, 0], [0, 0]], reward: [0, 0], terminated: [false, false], truncated: [false, false])
        let full = GymnasiumReference.Response(single: [record, record], trajectory: record, health: [true], healthObservations: [[0, 0]],
                                               versions: [])
        #expect(full.shortfall(for: request, observationWidth: 2) == nil)
        var short = [GymnasiumReference.Response](repeating: full, count: 7)
        short[0].single.removeLast()
        short[1].single[1].terminated.removeLast()
        short[2].trajectory = nil
        short[3].trajectory?.obs[1].removeLast()
        short[4].health = []
        short[5].healthObservations = [[0]]
        short[6].single[0].reward = []
        for (i, reply) in short.enumerated() {
            #expect(reply.shortfall(for: request, observationWidth: 2) != nil, "short reply \(i) accepted")
        }
        #expect(full.shortfall(for: request, observationWidth: 3) != nil)
    }
}
