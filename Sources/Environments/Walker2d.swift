/// Walker2d with gym v3 / Gymnasium v4 semantics, as in D4RL's `walker2d-*-v2` datasets, or with
/// Gymnasium v5's (Minari's `mujoco/walker2d/*-v0`): model `walker2d_v5.xml` and no healthy reward
/// on the terminating step (``LocomotionVersion``).
///
/// Model `walker2d.xml` for v4 (feet frictions 0.9 right, 1.9 left), `walker2d_v5.xml` for v5
/// (both 1.9); RK4, timestep 0.002, frame skip 4, so `dt = 0.008`.
/// Observation (17): `qpos[1:]` (8: z, torso angle, 6 joint angles) ‖ `clip(qvel, −10, 10)` (9).
/// Reward: `(x_after − x_before) / dt + 1 − 0.001 · Σ a²`; the healthy reward 1 is paid on every
/// step, the terminating one included. Terminates when unhealthy (see ``isHealthy(positions:)``);
/// unlike Hopper there is no state-range check.
/// Actions are clipped to [-1, 1] first, as D4RL's `NormalizedBoxEnv` does.
///
/// Source: Gymnasium 1.4.0 `gymnasium/envs/mujoco/walker2d_v4.py` (= gym 0.23.1 `walker2d_v3.py`) and `walker2d_v5.py`.
public final class Walker2d: MuJoCoEnvironment {
    /// The simulation this environment steps.
    public let simulator: MuJoCoSimulator
    /// Physics steps per environment step. Gymnasium: `walker2d_v4.py: MujocoEnv.__init__(self, "walker2d.xml", 4, ...)`.
    public let frameSkip = 4
    /// Observed velocities are clipped to ±this value (`nil`: not clipped). Gymnasium `_get_obs`: `np.clip(qvel, -10, 10)`.
    public let velocityClip: Double? = 10
    /// Weight of the forward velocity in the reward. Gymnasium: `forward_reward_weight=1.0`.
    public let forwardRewardWeight = 1.0
    /// Weight of `Σ a²` in the reward (subtracted). Gymnasium: `ctrl_cost_weight=1e-3`.
    public let controlCostWeight = 1e-3
    /// Paid on every step, the terminating one included (v4), or only while healthy (v5).
    /// Gymnasium: `healthy_reward=1.0, terminate_when_unhealthy=True`.
    public let healthyReward = 1.0
    /// The Gymnasium version whose semantics (and model file) this follows.
    public let version: LocomotionVersion
    /// Scale of the reset noise. Gymnasium: `reset_noise_scale=5e-3`.
    public let resetNoiseScale = 5e-3
    /// Unbounded observations.
    public let observationSpec = BoxSpec.unbounded(17)
    /// Actions in [-1, 1] (D4RL's normalized box; values outside are clipped).
    public let actionSpec = BoxSpec(dimension: 6, low: -1, high: 1)
    /// The rule for model rollouts that matches this environment's termination.
    public var terminationFunction: TerminationFunction { .walker2d }

    /// Loads `walker2d.xml` (v4) or `walker2d_v5.xml` (v5) through `assets`.
    /// - Parameters:
    ///   - assets: Where the model files are.
    ///   - version: ``LocomotionVersion/v4`` (D4RL, default) or ``LocomotionVersion/v5`` (Minari).
    /// - Throws: ``EnvironmentError`` if the file is missing or does not compile.
    public init(assets: AssetLocator = .standard(), version: LocomotionVersion = .v4) throws {
        self.version = version
        simulator = try loadModel(version == .v5 ? "walker2d_v5.xml" : "walker2d.xml", assets: assets, nq: 9, nv: 9, nu: 6)
    }

    /// walker2d_v4.py `is_healthy`, bounds strict: `z = qpos[1]` in (0.8, 2.0) and
    /// `angle = qpos[2]` in (−1, 1). NaN is unhealthy.
    public static func isHealthy<P: RandomAccessCollection<Double>>(positions: P) -> Bool where P.Index == Int {
        let z = positions[positions.startIndex + 1], angle = positions[positions.startIndex + 2]
        return 0.8 < z && z < 2.0 && -1 < angle && angle < 1          // healthy_z_range=(0.8, 2.0), healthy_angle_range=(-1, 1)
    }

    /// Whether the current state ends the episode: `not is_healthy` (walker2d_v4.py `terminated`).
    public var isTerminal: Bool { !Self.isHealthy(positions: simulator.qpos) }

    /// `qpos = qpos0 + U(−0.005, 0.005)`, `qvel = U(−0.005, 0.005)` (walker2d_v4.py `reset_model`).
    public func reset(seed: UInt64, into observation: inout [Float]) {
        let scale = resetNoiseScale
        resetSimulator(positionNoise: { $0.uniformDouble(-scale, scale) },
                       velocityNoise: { $0.uniformDouble(-scale, scale) }, seed: seed)
        self.observation(into: &observation)
    }

    public func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome {
        let controlSquares = applyClippedAction(action)
        let xBefore = simulator.qpos[0]
        simulator.step(frames: frameSkip)                                   // do_simulation(action, frame_skip)
        let xVelocity = (simulator.qpos[0] - xBefore) / dt                  // x_velocity = (x_after - x_before) / dt
        let forwardReward = forwardRewardWeight * xVelocity
        let controlCost = controlCostWeight * controlSquares                // ctrl_cost = 1e-3 * sum(square(action))
        let terminated = isTerminal                                         // terminated = not is_healthy
        // v4: float(is_healthy or terminate_when_unhealthy) * 1 (always paid); v5: is_healthy * 1
        let survive = version == .v5 && terminated ? 0 : healthyReward
        self.observation(into: &observation)
        return StepOutcome(reward: forwardReward + survive - controlCost, terminated: terminated, truncated: false)
    }
}
