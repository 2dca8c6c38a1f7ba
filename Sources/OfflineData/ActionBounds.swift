/// The action spaces of the tasks whose datasets the registry lists, for
/// ``OfflineDataset/validate(actionBound:)`` and ``D4RLFile/load(path:validation:actionBound:)``.
public enum ActionBounds {
    /// The bound `b` of the action space `[-b, b]` of each known task (lowercased): 1 for the
    /// MuJoCo locomotion tasks.
    public static let known: [String: Float] = ["hopper": 1, "halfcheetah": 1, "walker2d": 1, "ant": 1]

    /// The bound of `environment`'s action space (`"Hopper"`, `"hopper-v5"` → 1), or nil when it is not known.
    public static func bound(forEnvironment environment: String) -> Float? {
        let lower = environment.lowercased()
        // Gymnasium's v3, v4 and v5 tasks share their action spaces.
        let base = ["-v3", "-v4", "-v5"].first(where: { lower.hasSuffix($0) }).map { _ in String(lower.dropLast(3)) } ?? lower
        return known[base]
    }
}
