/// The complete state of a MuJoCo simulation of the models used here (no plugins, no mocap).
///
/// Setting a state captured with ``MuJoCoSimulator/state`` and stepping reproduces the original
/// continuation bit for bit: besides `qpos`/`qvel` it holds the time, actuator activations,
/// the controls, and the solver's warm-start accelerations (`qacc_warmstart`).
public struct SimulatorState: Sendable, Equatable, Codable {
    /// Simulation time, seconds (`mjData.time`).
    public var time: Double
    /// Generalized positions `qpos` (length `nq`).
    public var positions: [Double]
    /// Generalized velocities `qvel` (length `nv`).
    public var velocities: [Double]
    /// Actuator activations `act` (length `na`, empty for these models).
    public var activations: [Double]
    /// Controls `ctrl` (length `nu`).
    public var controls: [Double]
    /// Constraint-solver warm start `qacc_warmstart` (length `nv`).
    public var warmstartAccelerations: [Double]

    /// A state from all parts.
    public init(time: Double, positions: [Double], velocities: [Double], activations: [Double],
                controls: [Double], warmstartAccelerations: [Double]) {
        self.time = time
        self.positions = positions
        self.velocities = velocities
        self.activations = activations
        self.controls = controls
        self.warmstartAccelerations = warmstartAccelerations
    }
}
