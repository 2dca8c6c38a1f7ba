/// The action spaces of the tasks whose datasets the registry lists, for
/// ``OfflineDataset/validate(actionBound:)`` and ``D4RLFile/load(path:validation:actionBound:)``.
public enum ActionBounds {
    /// The bound `b` of the action space `[-b, b]` of each known task (lowercased): 1 for the
    /// MuJoCo locomotion tasks.
    public static let known: [String: Float] = ["hopper": 1, "halfcheetah": 1, "walker2d": 1, "ant": 1]

    /// The bound of `environment`'s action space (`"Hopper"` → 1), or nil when it is not known.
    public static func bound(forEnvironment environment: String) -> Float? {
        known[environment.lowercased()]
    }
}
