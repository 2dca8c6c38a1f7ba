/// Decides `terminated` from a next observation, for rollouts of a learned dynamics model.
///
/// Each rule is the true environment's termination rule written on the D4RL observation layout
/// (`qpos[1:] ‖ qvel`, index 0 = z, index 1 = torso angle), not OfflineRL-Kit's variants, which
/// differ from the environments (`offlinerlkit/utils/termination_fns.py`: halfcheetah ends when
/// some |o| ≥ 100, hopper's range check applies `abs` to a Boolean, walker2d adds a range check):
///
/// | task | terminated when | source |
/// | --- | --- | --- |
/// | halfcheetah | never | half_cheetah_v4.py `terminated = False` |
/// | hopper | not (0.7 < o[0]) or not (−0.2 < o[1] < 0.2) or some o[1...] ∉ (−100, 100) | hopper_v4.py `is_healthy` |
/// | walker2d | not (0.8 < o[0] < 2.0) or not (−1 < o[1] < 1) | walker2d_v4.py `is_healthy` |
/// | pointmass | never | ``PointMass`` |
///
/// NaN in a checked entry counts as terminal, as in the environments. The comparisons are done in
/// Float64 on the Float32 observation, so a state within one Float32 rounding (~3e-8) of a bound
/// can be judged differently from the Float64 simulator state. Hopper's range check sees clipped
/// velocities in real observations (|v| ≤ 10, so only angles matter there), and the raw velocity
/// a model predicts.
///
/// ```swift
/// let done = TerminationFunction.hopper(nextObservation)          // one row
/// let flags = TerminationFunction.hopper(nextObservations)        // Tensor [B, 11] → [Bool]
/// ```
public struct TerminationFunction: Sendable {
    /// The task name (as in ``makeEnvironment(named:maxEpisodeSteps:assets:)``).
    public let name: String
    /// Observation length the rule reads.
    public let observationDimension: Int
    @usableFromInline let rule: @Sendable (UnsafeBufferPointer<Float>) -> Bool

    /// A termination rule for observations of length `observationDimension`.
    public init(name: String, observationDimension: Int, rule: @escaping @Sendable (UnsafeBufferPointer<Float>) -> Bool) {
        self.name = name
        self.observationDimension = observationDimension
        self.rule = rule
    }

    /// Whether `nextObservation` is terminal.
    public func callAsFunction(_ nextObservation: [Float]) -> Bool {
        precondition(nextObservation.count == observationDimension,
                     "\(name) termination: observation has \(nextObservation.count) entries, expected \(observationDimension)")
        return nextObservation.withUnsafeBufferPointer(rule)
    }

    /// Whether each row of `nextObservations` (shape `[batch, observationDimension]`) is terminal.
    public func callAsFunction(_ nextObservations: Tensor) -> [Bool] {
        let dims = nextObservations.shape.dimensions
        precondition(dims.count == 2 && dims[1] == observationDimension,
                     "\(name) termination: observations of shape \(dims), expected [batch, \(observationDimension)]")
        let rows = dims[0], width = observationDimension
        return nextObservations.withUnsafeBufferPointer { all in
            (0..<rows).map { r in rule(UnsafeBufferPointer(rebasing: all[(r * width)..<((r + 1) * width)])) }
        }
    }

    /// HalfCheetah never terminates.
    public static let halfCheetah = TerminationFunction(name: "halfcheetah", observationDimension: 17) { _ in false }

    /// Hopper: hopper_v4.py `is_healthy` on `o = qpos[1:] ‖ clip(qvel)`.
    public static let hopper = TerminationFunction(name: "hopper", observationDimension: 11) { o in
        let z = Double(o[0]), angle = Double(o[1])
        guard 0.7 < z, z < .infinity, -0.2 < angle, angle < 0.2 else { return true }   // healthy_z_range, healthy_angle_range
        for i in 1..<o.count where !(-100 < o[i] && o[i] < 100) { return true }     // state_vector()[2:] in (-100, 100)
        return false
    }

    /// Walker2d: walker2d_v4.py `is_healthy` on `o = qpos[1:] ‖ clip(qvel)`; no state-range check.
    public static let walker2d = TerminationFunction(name: "walker2d", observationDimension: 17) { o in
        let z = Double(o[0]), angle = Double(o[1])
        return !(0.8 < z && z < 2.0 && -1 < angle && angle < 1)                          // healthy_z_range, healthy_angle_range
    }

    /// The termination function of a task by name (`halfcheetah`, `hopper`, `walker2d`, `pointmass`).
    /// - Throws: ``EnvironmentError/unknownTask(name:known:)`` listing the known names.
    public static func named(_ name: String) throws -> TerminationFunction {
        // v5's health checks equal v4's (``LocomotionVersion``), so `hopper-v5` uses hopper's rule.
        let lower = name.lowercased()
        let base = ["-v3", "-v4", "-v5"].first(where: { lower.hasSuffix($0) }).map { _ in String(lower.dropLast(3)) } ?? lower
        switch base {
        case "halfcheetah": return .halfCheetah
        case "hopper": return .hopper
        case "walker2d": return .walker2d
        case "pointmass": return PointMass.terminationFunction(dimension: PointMass.defaultDimension)
        default: throw EnvironmentError.unknownTask(name: name, known: environmentNames)
        }
    }
}
