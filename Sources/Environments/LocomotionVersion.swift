/// Which Gymnasium version of the MuJoCo locomotion tasks an environment follows.
///
/// D4RL's datasets were collected in gym's v3 environments (Gymnasium's v4 classes, ported to the
/// `mujoco` bindings, behave the same); Minari's MuJoCo datasets in Gymnasium's v5 ones. For the
/// tasks here v5 differs only in (Gymnasium 1.4.0 `hopper_v5.py`, `walker2d_v5.py`,
/// `half_cheetah_v5.py`, "Version History"):
///
/// | task | v5 change | effect on data |
/// | --- | --- | --- |
/// | Hopper, Walker2d | the healthy reward 1 is paid only while healthy (`healthy_reward = is_healthy · 1`) | the terminating step's reward is 1 lower; every other step equal |
/// | Walker2d | model `walker2d_v5.xml`: both feet have friction 1.9 (v4: right foot 0.9) | different dynamics once the right foot touches the ground |
/// | HalfCheetah | none (the `info` key `reward_run` renamed `reward_forward`) | none |
///
/// Observation content (`qpos[1:] ‖ qvel`, Hopper/Walker2d velocities clipped to ±10), reset noise
/// (0.005; HalfCheetah 0.1), health ranges and termination, frame skips and time limit (1000) are
/// the same. Gymnasium's v5 also requires `mujoco` ≥ 2.3.3, and Minari generated its datasets with
/// `mujoco` 3.2.3; this library runs Debian's MuJoCo 2.2.2, whose physics agrees with 2.3.3 to
/// Float32 rounding on these models (`GymnasiumComparisonTests`).
public enum LocomotionVersion: String, Sendable, CaseIterable {
    /// gym v3 / Gymnasium v4, D4RL's semantics (the default).
    case v4
    /// Gymnasium v5, Minari's semantics.
    case v5
}
