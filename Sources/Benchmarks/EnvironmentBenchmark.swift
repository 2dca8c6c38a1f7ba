import Environments

/// `orl bench env`: MuJoCo environment steps per second against a raw C loop of `mj_step`.
///
/// For each task, two workloads run in alternation (``Timing/interleavedMedians(rounds:warmupRounds:calls:_:)``):
/// - `env-raw-<task>`: one episode of 1000 steps of a plain C loop (`ctrl = action; mj_step ×
///   frame skip`, workload W4 of `Experiments/performance/README.md`) on its own simulator of the same model;
/// - `env-<task>`: `reset(seed:)` then 1000 calls of ``Environment/step(_:into:)`` (action
///   clipping, observation, reward, termination check).
/// Both start from the same state and apply the same in-range actions, so they simulate the same
/// trajectory (checked: `same_final_state`). `ratio_to_raw` is raw time / environment time, the
/// fraction of raw physics speed the environment keeps.
public struct EnvironmentBenchmark: Sendable {
    /// Timed rounds per workload (the median is reported).
    public var rounds: Int
    /// Tasks to measure (names as for ``makeMuJoCoEnvironment(named:assets:)``).
    public var tasks: [String]
    /// Environment steps per timed call (one episode).
    public var stepsPerCall = 1000

    /// The MuJoCo tasks measured by default.
    public static let defaultTasks = ["halfcheetah", "hopper", "walker2d"]

    /// A benchmark of `tasks` (MuJoCo task names) with `rounds` timed episodes each.
    public init(rounds: Int = 9, tasks: [String] = EnvironmentBenchmark.defaultTasks) {
        self.rounds = rounds
        self.tasks = tasks
    }

    /// Runs every task; per task the raw result, then the environment result with its ratio.
    /// - Throws: ``EnvironmentError`` for an unknown task or missing model file.
    public func run() throws -> [BenchmarkResult] {
        var results = [BenchmarkResult]()
        for task in tasks { results += try measure(task) }
        return results
    }

    func measure(_ task: String) throws -> [BenchmarkResult] {
        let env = try makeMuJoCoEnvironment(named: task)
        let raw = try MuJoCoSimulator(modelPath: env.simulator.modelPath)
        let nu = env.actionSpec.dimension, steps = stepsPerCall
        var rng = RandomGenerator(seed: 7)
        let actions = (0..<steps).map { _ in (0..<nu).map { _ in rng.uniform(-1, 1) } }
        let flat = actions.flatMap { $0 }
        var observation = [Float](repeating: 0, count: env.observationSpec.dimension)
        env.reset(seed: 0, into: &observation)
        let start = env.state

        let ms = Timing.interleavedMedians(rounds: rounds, calls: [1, 1], [
            { raw.setState(start); raw.runRawLoop(controls: flat, steps: steps, frameSkip: env.frameSkip, resetEvery: 0) },
            {
                env.reset(seed: 0, into: &observation)
                for t in 0..<steps { _ = env.step(actions[t], into: &observation) }
            },
        ])
        let sameFinalState = raw.positions == env.simulator.positions && raw.velocities == env.simulator.velocities
        let rawRate = Double(steps) / (ms[0] / 1000), envRate = Double(steps) / (ms[1] / 1000)
        let common: [String: JSONValue] = [
            "env_steps": .number(Double(steps)), "frame_skip": .number(Double(env.frameSkip)),
            "mujoco": .string(MuJoCoSimulator.mujocoVersion),
        ]
        var rawExtra = common
        rawExtra["steps_per_s"] = .number(rawRate)
        var envExtra = common
        envExtra["steps_per_s"] = .number(envRate)
        envExtra["raw_steps_per_s"] = .number(rawRate)
        envExtra["ratio_to_raw"] = .number(ms[0] / ms[1])
        envExtra["same_final_state"] = .bool(sameFinalState)
        return [
            BenchmarkResult(workload: "env-raw-\(task)", medianMs: ms[0], extra: rawExtra),
            BenchmarkResult(workload: "env-\(task)", medianMs: ms[1], extra: envExtra),
        ]
    }
}
