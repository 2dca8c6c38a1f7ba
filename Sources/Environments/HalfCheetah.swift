/// HalfCheetah with gym v3 / Gymnasium v4 semantics, as in D4RL's `halfcheetah-*-v2` datasets;
/// Gymnasium v5 (Minari's `mujoco/halfcheetah/*-v0`) behaves the same (``LocomotionVersion``).
///
/// Model `half_cheetah.xml` (Euler, timestep 0.01), frame skip 5, so `dt = 0.05`.
/// Observation (17): `qpos[1:]` (8: rootz, rooty, 6 joint angles) ‖ `qvel` (9), no clipping.
/// Reward: `(x_after − x_before) / dt − 0.1 · Σ a²`. Never terminates (only ``TimeLimit`` ends it).
/// Actions are clipped to [-1, 1] first, as D4RL's `NormalizedBoxEnv` does.
///
/// Source: Gymnasium 1.4.0 `gymnasium/envs/mujoco/half_cheetah_v4.py` (= gym 0.23.1 `half_cheetah_v3.py`).
public final class HalfCheetah: MuJoCoEnvironment {
    /// The simulation this environment steps.
    public let simulator: MuJoCoSimulator
    /// Physics steps per environment step. Gymnasium: `half_cheetah_v4.py: MujocoEnv.__init__(self, "half_cheetah.xml", 5, ...)`.
    public let frameSkip = 5
    /// Observed velocities are clipped to ±this value (`nil`: not clipped). Gymnasium `half_cheetah_v4.py` `_get_obs`: qvel unclipped.
    public let velocityClip: Double? = nil
    /// Weight of the forward velocity in the reward. Gymnasium: `forward_reward_weight=1.0`.
    public let forwardRewardWeight = 1.0
    /// Weight of `Σ a²` in the reward (subtracted). Gymnasium: `ctrl_cost_weight=0.1`.
    public let controlCostWeight = 0.1
    /// Scale of the reset noise. Gymnasium: `reset_noise_scale=0.1`.
    public let resetNoiseScale = 0.1
    /// Unbounded observations.
    public let observationSpec = BoxSpec.unbounded(17)
    /// Actions in [-1, 1] (D4RL's normalized box; values outside are clipped).
    public let actionSpec = BoxSpec(dimension: 6, low: -1, high: 1)
    /// The rule for model rollouts that matches this environment's termination.
    public var terminationFunction: TerminationFunction { .halfCheetah }

    /// The Gymnasium version it stands for (v4 and v5 behave the same).
    public let version: LocomotionVersion

    /// Loads `half_cheetah.xml` (the same model in v4 and v5) through `assets`.
    /// - Parameters:
    ///   - assets: Where the model files are.
    ///   - version: Recorded only: v5 changed nothing this environment computes.
    /// - Throws: ``EnvironmentError`` if the file is missing or does not compile.
    public init(assets: AssetLocator = .standard(), version: LocomotionVersion = .v4) throws {
        self.version = version
        simulator = try loadModel("half_cheetah.xml", assets: assets, nq: 9, nv: 9, nu: 6)
    }

    /// HalfCheetah never terminates (half_cheetah_v4.py `step`: `terminated = False`).
    public var isTerminal: Bool { false }

    /// `qpos = qpos0 + U(−0.1, 0.1)`, `qvel = 0.1 · N(0, 1)` (half_cheetah_v4.py `reset_model`).
    public func reset(seed: UInt64, into observation: inout [Float]) {
        let scale = resetNoiseScale
        resetSimulator(positionNoise: { $0.uniformDouble(-scale, scale) },
                       velocityNoise: { scale * Double($0.normal()) }, seed: seed)
        self.observation(into: &observation)
    }

    public func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome {
        let controlSquares = applyClippedAction(action)
        let xBefore = simulator.qpos[0]
        simulator.step(frames: frameSkip)                                   // do_simulation(action, frame_skip)
        let xVelocity = (simulator.qpos[0] - xBefore) / dt                  // x_velocity = (x_after - x_before) / dt
        let forwardReward = forwardRewardWeight * xVelocity                 // forward_reward = weight * x_velocity
        let controlCost = controlCostWeight * controlSquares                // ctrl_cost = 0.1 * sum(square(action))
        self.observation(into: &observation)
        return StepOutcome(reward: forwardReward - controlCost, terminated: false, truncated: false)
    }
}
