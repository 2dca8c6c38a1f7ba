/// Names accepted by ``makeEnvironment(named:maxEpisodeSteps:assets:)``.
public let environmentNames = ["halfcheetah", "hopper", "walker2d", "pointmass", "halfcheetah-v5", "hopper-v5", "walker2d-v5"]

/// Makes a task by name, wrapped in a ``TimeLimit`` as `gym.make` does (D4RL: 1000 steps).
///
/// Names (case-insensitive): `halfcheetah`, `hopper`, `walker2d` (MuJoCo, D4RL v2 semantics),
/// the same with `-v5` (`hopper-v5`, or Gymnasium's id `Hopper-v5`: Gymnasium v5 semantics, as in
/// Minari's datasets, see ``LocomotionVersion``) and `pointmass` (``PointMass`` in 2-D). A D4RL
/// dataset name such as `hopper-medium-v2` selects its task (the part before the first `-`), with
/// v4 semantics, as do `hopper-v3` and `hopper-v4`.
///
/// ```swift
/// var env = try makeEnvironment(named: "walker2d")
/// var observation = env.reset(seed: 0)
/// ```
/// - Throws: ``EnvironmentError/unknownTask(name:known:)`` listing the known names, or a
///   missing-asset error that says how to fetch the model files.
public func makeEnvironment(named name: String, maxEpisodeSteps: Int = 1000,
                            assets: AssetLocator = .standard()) throws -> any Environment {
    let version = locomotionVersion(name)
    switch taskName(name) {
    case "halfcheetah": return TimeLimit(try HalfCheetah(assets: assets, version: version), maxEpisodeSteps: maxEpisodeSteps)
    case "hopper": return TimeLimit(try Hopper(assets: assets, version: version), maxEpisodeSteps: maxEpisodeSteps)
    case "walker2d": return TimeLimit(try Walker2d(assets: assets, version: version), maxEpisodeSteps: maxEpisodeSteps)
    case "pointmass" where version == .v4: return TimeLimit(PointMass(), maxEpisodeSteps: maxEpisodeSteps)
    default: throw EnvironmentError.unknownTask(name: name, known: environmentNames)
    }
}

/// Makes a MuJoCo task by name, without a time limit, exposing the simulator state (for the
/// true-dynamics model and state-level tests). Names as in ``makeEnvironment(named:maxEpisodeSteps:assets:)``.
public func makeMuJoCoEnvironment(named name: String, assets: AssetLocator = .standard()) throws
    -> any MuJoCoEnvironment {
    let version = locomotionVersion(name)
    switch taskName(name) {
    case "halfcheetah": return try HalfCheetah(assets: assets, version: version)
    case "hopper": return try Hopper(assets: assets, version: version)
    case "walker2d": return try Walker2d(assets: assets, version: version)
    default: throw EnvironmentError.unknownTask(name: name, known: ["halfcheetah", "hopper", "walker2d",
                                                                  "halfcheetah-v5", "hopper-v5", "walker2d-v5"])
    }
}

/// `hopper-medium-v2` → `hopper`; lower-cased.
func taskName(_ name: String) -> String {
    String(name.lowercased().split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
}

/// ``LocomotionVersion/v5`` for exactly `TASK-v5` (`hopper-v5`, `Hopper-v5`), else v4.
func locomotionVersion(_ name: String) -> LocomotionVersion {
    let parts = name.lowercased().split(separator: "-", omittingEmptySubsequences: false)
    return parts.count == 2 && parts[1] == "v5" ? .v5 : .v4
}
