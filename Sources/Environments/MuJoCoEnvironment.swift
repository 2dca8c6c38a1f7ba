/// A locomotion task on a ``MuJoCoSimulator`` whose observation is `qpos[1:] ‖ qvel`, Gymnasium
/// v4 style (`exclude_current_positions_from_observation=True`): the x position of the root is
/// dropped, velocities are optionally clipped.
///
/// Besides ``Environment`` it offers the simulator state: get and set it in full, set it from
/// `qpos`/`qvel`, and rebuild it from an observation, which the true-dynamics model needs. The
/// dropped x position does not affect the dynamics (no body or contact depends on it: the floor
/// is an infinite plane), so any value, 0 by default, gives the same next observation and reward.
public protocol MuJoCoEnvironment: Environment, AnyObject {
    /// The simulation this environment steps.
    var simulator: MuJoCoSimulator { get }
    /// Physics steps per environment step.
    var frameSkip: Int { get }
    /// Observed velocities are clipped to `[-v, v]` (Hopper, Walker2d: 10), or not at all (`nil`).
    var velocityClip: Double? { get }
    /// The rule that decides `terminated` from a next observation, for model rollouts.
    var terminationFunction: TerminationFunction { get }
    /// Whether the current simulator state would end the episode (`terminated`).
    var isTerminal: Bool { get }

    /// ``Environment/reset(seed:into:)``, callable on a `let` (the environment is a class).
    func reset(seed: UInt64, into observation: inout [Float])
    /// ``Environment/step(_:into:)``, callable on a `let` (the environment is a class).
    func step(_ action: [Float], into observation: inout [Float]) -> StepOutcome
}

extension MuJoCoEnvironment {
    /// ``Environment/reset(seed:)`` without `mutating`: resets and returns the first observation.
    public func reset(seed: UInt64) -> [Float] {
        var observation = [Float](repeating: 0, count: observationSpec.dimension)
        reset(seed: seed, into: &observation)
        return observation
    }

    /// ``Environment/step(_:)`` without `mutating`: steps and returns a fresh observation.
    public func step(_ action: [Float]) -> StepResult {
        var observation = [Float](repeating: 0, count: observationSpec.dimension)
        let outcome = step(action, into: &observation)
        return StepResult(observation: observation, reward: outcome.reward, terminated: outcome.terminated,
                          truncated: outcome.truncated)
    }

    /// Seconds of simulated time per environment step: `timestep · frameSkip` (gym's `dt`).
    public var dt: Double { simulator.timestep * Double(frameSkip) }

    /// The full simulator state.
    public var state: SimulatorState { simulator.state }

    /// Restores a full simulator state (see ``MuJoCoSimulator/setState(_:)``).
    public func setState(_ state: SimulatorState) { simulator.setState(state) }

    /// Gymnasium's `reset()` then `set_state(qpos, qvel)` (see ``MuJoCoSimulator/setState(positions:velocities:)``).
    public func setState(positions: [Double], velocities: [Double]) {
        simulator.setState(positions: positions, velocities: velocities)
    }

    /// Writes the observation of the current state into `observation`: `qpos[1:] ‖ clip(qvel)`.
    public func observation(into observation: inout [Float]) {
        let nq = simulator.positionCount, nv = simulator.velocityCount
        precondition(observation.count == nq - 1 + nv,
                     "observation buffer has \(observation.count) entries, expected \(nq - 1 + nv)")
        let qpos = simulator.qpos, qvel = simulator.qvel
        observation.withUnsafeMutableBufferPointer { out in
            for i in 1..<nq { out[i - 1] = Float(qpos[i]) }
            if let clip = velocityClip {
                // gym hopper_v3.py / walker2d_v3.py `_get_obs`: np.clip(qvel, -10, 10)
                for i in 0..<nv { out[nq - 1 + i] = Float(Swift.min(Swift.max(qvel[i], -clip), clip)) }
            } else {
                for i in 0..<nv { out[nq - 1 + i] = Float(qvel[i]) }
            }
        }
    }

    /// The observation of the current state.
    public var observation: [Float] {
        var out = [Float](repeating: 0, count: observationSpec.dimension)
        observation(into: &out)
        return out
    }

    /// `qpos` and `qvel` rebuilt from an observation, with root x position `x`.
    ///
    /// Exact for every component the observation holds (up to its Float32 rounding), except that
    /// velocities beyond ``velocityClip`` come back clipped.
    public func positionsAndVelocities(fromObservation observation: [Float], x: Double = 0)
        -> (positions: [Double], velocities: [Double]) {
        let nq = simulator.positionCount, nv = simulator.velocityCount
        precondition(observation.count == nq - 1 + nv,
                     "observation has \(observation.count) entries, expected \(nq - 1 + nv)")
        var positions = [Double](repeating: x, count: nq)
        for i in 1..<nq { positions[i] = Double(observation[i - 1]) }
        var velocities = [Double](repeating: 0, count: nv)
        for i in 0..<nv { velocities[i] = Double(observation[nq - 1 + i]) }
        return (positions, velocities)
    }

    /// Sets the simulator to the state an observation describes (root x = `x`, fresh warm start),
    /// so that ``Environment/step(_:into:)`` then gives the true next observation and reward.
    public func setState(fromObservation observation: [Float], x: Double = 0) {
        let (positions, velocities) = positionsAndVelocities(fromObservation: observation, x: x)
        simulator.setState(positions: positions, velocities: velocities)
    }

    /// Clips `action` to [-1, 1] as D4RL's `NormalizedBoxEnv` does, writes it to `ctrl` and
    /// returns `Σ a²` of the clipped action (the control cost before its weight).
    func applyClippedAction(_ action: [Float]) -> Double {
        let nu = simulator.actuatorCount, ctrl = simulator.ctrl
        precondition(action.count == nu, "action has \(action.count) entries, expected \(nu)")
        var sumOfSquares = 0.0
        action.withUnsafeBufferPointer { a in
            for i in 0..<nu {
                // d4rl/utils/wrappers.py NormalizedBoxEnv.step: np.clip(scaled_action, lb, ub), lb = -1, ub = 1
                let u = Swift.min(Swift.max(Double(a[i]), -1), 1)
                ctrl[i] = u
                sumOfSquares += u * u
            }
        }
        return sumOfSquares
    }

    /// Writes `noise(i)` added to `qpos0` / zero into positions and velocities, the gym reset.
    func resetSimulator(positionNoise: (inout RandomGenerator) -> Double,
                        velocityNoise: (inout RandomGenerator) -> Double, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        let qpos0 = simulator.initialPositions
        var positions = qpos0, velocities = [Double](repeating: 0, count: simulator.velocityCount)
        for i in positions.indices { positions[i] = qpos0[i] + positionNoise(&rng) }
        for i in velocities.indices { velocities[i] = velocityNoise(&rng) }
        simulator.setState(positions: positions, velocities: velocities)
    }
}

extension RandomGenerator {
    /// Uniform in `[low, high)` with 53 random bits (numpy's `uniform` for reset noise).
    @inlinable
    mutating func uniformDouble(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniformDouble() }
}

/// Loads `file` through `assets` and checks the model has the sizes an environment expects.
func loadModel(_ file: String, assets: AssetLocator, nq: Int, nv: Int, nu: Int) throws -> MuJoCoSimulator {
    let path = try assets.path(for: file)
    let simulator = try MuJoCoSimulator(modelPath: path)
    guard simulator.positionCount == nq, simulator.velocityCount == nv, simulator.actuatorCount == nu else {
        throw EnvironmentError.unexpectedModel(
            path: path, expected: "nq \(nq), nv \(nv), nu \(nu)",
            found: "nq \(simulator.positionCount), nv \(simulator.velocityCount), nu \(simulator.actuatorCount)")
    }
    return simulator
}
