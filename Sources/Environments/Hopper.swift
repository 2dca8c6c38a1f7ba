/// Hopper with gym v3 / Gymnasium v4 semantics, as in D4RL's `hopper-*-v2` datasets, or with
/// Gymnasium v5's (Minari's `mujoco/hopper/*-v0`), which pays no healthy reward on the
/// terminating step (``LocomotionVersion``).
///
/// Model `hopper.xml` (RK4, timestep 0.002), frame skip 4, so `dt = 0.008`.
/// Observation (11): `qpos[1:]` (5: z, torso angle, thigh, leg, foot) ‖ `clip(qvel, −10, 10)` (6).
/// Reward: `(x_after − x_before) / dt + 1 − 0.001 · Σ a²`; the healthy reward 1 is paid on every
/// step, the terminating one included. Terminates when unhealthy (see ``isHealthy(positions:velocities:)``).
/// Actions are clipped to [-1, 1] first, as D4RL's `NormalizedBoxEnv` does.
///
/// Source: Gymnasium 1.4.0 `gymnasium/envs/mujoco/hopper_v4.py` (= gym 0.23.1 `hopper_v3.py`) and `hopper_v5.py`.
public final class Hopper: MuJoCoEnvironment {
    /// The simulation this environment steps.
    public let simulator: MuJoCoSimulator
    /// Physics steps per environment step. Gymnasium: `hopper_v4.py: MujocoEnv.__init__(self, "hopper.xml", 4, ...)`.
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
    /// The Gymnasium version whose semantics this follows.
    public let version: LocomotionVersion
    /// Scale of the reset noise. Gymnasium: `reset_noise_scale=5e-3`.
    public let resetNoiseScale = 5e-3
    /// Unbounded observations.
    public let observationSpec = BoxSpec.unbounded(11)
    /// Actions in [-1, 1] (D4RL's normalized box; values outside are clipped).
    public let actionSpec = BoxSpec(dimension: 3, low: -1, high: 1)
    /// The rule for model rollouts that matches this environment's termination.
    public var terminationFunction: TerminationFunction { .hopper }

    /// Loads `hopper.xml` (the same model in v4 and v5) through `assets`.
    /// - Parameters:
    ///   - assets: Where the model files are.
    ///   - version: ``LocomotionVersion/v4`` (D4RL, default) or ``LocomotionVersion/v5`` (Minari).
    /// - Throws: ``EnvironmentError`` if the file is missing or does not compile.
    public init(assets: AssetLocator = .standard(), version: LocomotionVersion = .v4) throws {
        self.version = version
        simulator = try loadModel("hopper.xml", assets: assets, nq: 6, nv: 6, nu: 3)
    }

    /// hopper_v4.py `is_healthy`, all bounds strict:
    /// every entry of `state_vector()[2:]` (= `qpos[2:] ‖ qvel`, velocities *unclipped*) in (−100, 100),
    /// `z = qpos[1]` in (0.7, ∞), `angle = qpos[2]` in (−0.2, 0.2). NaN anywhere is unhealthy.
    public static func isHealthy<P: RandomAccessCollection<Double>, V: RandomAccessCollection<Double>>(
        positions: P, velocities: V) -> Bool where P.Index == Int, V.Index == Int {
        let z = positions[positions.startIndex + 1], angle = positions[positions.startIndex + 2]
        guard 0.7 < z, z < .infinity, -0.2 < angle, angle < 0.2 else { return false }   // healthy_z_range, healthy_angle_range
        for i in (positions.startIndex + 2)..<positions.endIndex where !(-100 < positions[i] && positions[i] < 100) {
            return false                                                              // healthy_state_range=(-100, 100)
        }
        for v in velocities where !(-100 < v && v < 100) { return false }
        return true
    }

    /// Whether the current state ends the episode: `not is_healthy` (hopper_v4.py `terminated`).
    public var isTerminal: Bool { !Self.isHealthy(positions: simulator.qpos, velocities: simulator.qvel) }

    /// `qpos = qpos0 + U(−0.005, 0.005)`, `qvel = U(−0.005, 0.005)` (hopper_v4.py `reset_model`).
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
