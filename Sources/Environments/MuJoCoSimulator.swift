import CMuJoCo
import Synchronization

/// `mj_loadXML` keeps global parser state in MuJoCo 2.2.2, so loads are serialized.
private let modelLoadLock = Mutex(())

/// One MuJoCo model and its simulation data (`mjModel` + `mjData`), owned and freed together.
///
/// The environments wrap one each; it is public so that tools (the true-dynamics model, the
/// benchmark) can drive the physics directly. Reads and writes of `qpos`/`qvel`/`ctrl` go through
/// pointers fixed at creation, so stepping allocates nothing. Not thread-safe: use one simulator
/// per thread.
///
/// ```swift
/// let simulator = try MuJoCoSimulator(modelPath: AssetLocator.standard().path(for: "hopper.xml"))
/// simulator.setState(positions: simulator.initialPositions, velocities: [0, 0, 0, 0, 0, 0])
/// simulator.step(frames: 4)
/// ```
public final class MuJoCoSimulator {
    let model: UnsafeMutablePointer<mjModel>
    let data: UnsafeMutablePointer<mjData>
    let qpos: UnsafeMutableBufferPointer<Double>
    let qvel: UnsafeMutableBufferPointer<Double>
    let ctrl: UnsafeMutableBufferPointer<Double>

    /// The model file this simulator was loaded from.
    public let modelPath: String
    /// Number of generalized positions (`nq`).
    public let positionCount: Int
    /// Number of generalized velocities (`nv`).
    public let velocityCount: Int
    /// Number of actuators (`nu`).
    public let actuatorCount: Int
    /// Number of actuator activations (`na`).
    public let activationCount: Int
    /// Physics time step, seconds (`opt.timestep`).
    public let timestep: Double
    /// The model's reference positions `qpos0` (Gymnasium's `init_qpos`).
    public let initialPositions: [Double]

    /// Loads and compiles an MJCF file.
    /// - Throws: ``EnvironmentError/modelLoadFailed(path:message:)`` with MuJoCo's message.
    public init(modelPath: String) throws {
        var error = [CChar](repeating: 0, count: 1000)
        let loaded = modelLoadLock.withLock { _ in mj_loadXML(modelPath, nil, &error, Int32(error.count)) }
        guard let model = loaded else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw EnvironmentError.modelLoadFailed(path: modelPath, message: message)
        }
        guard let data = mj_makeData(model) else {
            mj_deleteModel(model)
            throw EnvironmentError.modelLoadFailed(path: modelPath, message: "mj_makeData failed")
        }
        self.model = model
        self.data = data
        self.modelPath = modelPath
        positionCount = Int(model.pointee.nq)
        velocityCount = Int(model.pointee.nv)
        actuatorCount = Int(model.pointee.nu)
        activationCount = Int(model.pointee.na)
        timestep = model.pointee.opt.timestep
        qpos = UnsafeMutableBufferPointer(start: data.pointee.qpos, count: positionCount)
        qvel = UnsafeMutableBufferPointer(start: data.pointee.qvel, count: velocityCount)
        ctrl = UnsafeMutableBufferPointer(start: data.pointee.ctrl, count: actuatorCount)
        initialPositions = Array(UnsafeBufferPointer(start: model.pointee.qpos0, count: positionCount))
    }

    deinit {
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    /// The MuJoCo library version, for example `"2.2.2"`.
    public static var mujocoVersion: String { String(cString: mj_versionString()) }

    // MARK: - Physics

    /// `mj_resetData`: time 0, `qpos = qpos0`, zero velocities, controls and warm start.
    public func reset() { mj_resetData(model, data) }

    /// `mj_forward`: recomputes derived quantities (positions of bodies, contacts, ...) without
    /// advancing time.
    public func forward() { mj_forward(model, data) }

    /// Advances the simulation by `frames` calls of `mj_step` with the current controls.
    public func step(frames: Int) { orl_mj_step_n(model, data, Int32(frames)) }

    /// Simulation time, seconds.
    public var time: Double { data.pointee.time }

    /// A copy of `qpos`.
    public var positions: [Double] { Array(qpos) }
    /// A copy of `qvel`.
    public var velocities: [Double] { Array(qvel) }
    /// A copy of `ctrl`.
    public var controls: [Double] { Array(ctrl) }

    /// Writes the controls (length `nu`), unclipped (MuJoCo clamps `ctrllimited` actuators itself).
    public func setControls(_ values: [Double]) {
        precondition(values.count == actuatorCount, "setControls: \(values.count) values for \(actuatorCount) actuators")
        for i in 0..<actuatorCount { ctrl[i] = values[i] }
    }

    // MARK: - State

    /// The full simulation state (see ``SimulatorState``).
    public var state: SimulatorState {
        let d = data.pointee
        return SimulatorState(
            time: d.time, positions: Array(qpos), velocities: Array(qvel),
            activations: Array(UnsafeBufferPointer(start: d.act, count: activationCount)),
            controls: Array(ctrl),
            warmstartAccelerations: Array(UnsafeBufferPointer(start: d.qacc_warmstart, count: velocityCount)))
    }

    /// Restores a full state captured with ``state``, then runs `mj_forward`; stepping afterwards
    /// continues exactly as the original simulation did.
    public func setState(_ state: SimulatorState) {
        precondition(state.positions.count == positionCount && state.velocities.count == velocityCount
                     && state.activations.count == activationCount && state.controls.count == actuatorCount
                     && state.warmstartAccelerations.count == velocityCount,
                     "setState: state sizes (qpos \(state.positions.count), qvel \(state.velocities.count), act "
                     + "\(state.activations.count), ctrl \(state.controls.count), warmstart "
                     + "\(state.warmstartAccelerations.count)) do not match model \(modelPath) (nq \(positionCount), "
                     + "nv \(velocityCount), na \(activationCount), nu \(actuatorCount))")
        data.pointee.time = state.time
        for i in 0..<positionCount { qpos[i] = state.positions[i] }
        for i in 0..<velocityCount { qvel[i] = state.velocities[i] }
        for i in 0..<actuatorCount { ctrl[i] = state.controls[i] }
        let act = data.pointee.act, warm = data.pointee.qacc_warmstart!
        for i in 0..<activationCount { act![i] = state.activations[i] }
        forward()
        // mj_forward saves its solution as the next warm start; put the captured one back so the
        // next mj_step starts exactly where the original did.
        for i in 0..<velocityCount { warm[i] = state.warmstartAccelerations[i] }
    }

    /// Sets positions and velocities on freshly reset data (time 0, zero controls and warm start),
    /// then runs `mj_forward`: Gymnasium's `reset()` followed by `set_state(qpos, qvel)`.
    public func setState(positions: [Double], velocities: [Double]) {
        precondition(positions.count == positionCount && velocities.count == velocityCount,
                     "setState: \(positions.count) positions and \(velocities.count) velocities for model "
                     + "\(modelPath) with nq \(positionCount), nv \(velocityCount)")
        reset()
        for i in 0..<positionCount { qpos[i] = positions[i] }
        for i in 0..<velocityCount { qvel[i] = velocities[i] }
        forward()
    }

    // MARK: - Benchmark baseline

    /// Runs the raw C loop that `orl bench env` compares the environments with: `steps` times,
    /// copy one row of `controls` (row-major, `nu` values per row, used cyclically) into `ctrl`
    /// and call `mj_step` `frameSkip` times; `mj_resetData` every `resetEvery` steps.
    public func runRawLoop(controls: [Float], steps: Int, frameSkip: Int, resetEvery: Int) {
        precondition(actuatorCount > 0 && controls.count % actuatorCount == 0 && !controls.isEmpty,
                     "runRawLoop: \(controls.count) controls is not a positive multiple of nu = \(actuatorCount)")
        controls.withUnsafeBufferPointer { table in
            orl_mj_raw_loop(model, data, table.baseAddress, Int32(controls.count / actuatorCount), Int32(steps),
                            Int32(frameSkip), Int32(resetEvery))
        }
    }
}
