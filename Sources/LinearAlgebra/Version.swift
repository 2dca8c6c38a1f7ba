/// The library's version, recorded in dataset metadata, logs and checkpoints.
public enum OfflineRLVersion {
    /// Semantic version of swift-offline-rl.
    public static let string = "0.1.0"
}
