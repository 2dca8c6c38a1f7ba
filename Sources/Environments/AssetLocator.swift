import Foundation

/// Finds the MuJoCo model files (MJCF) that `scripts/setup` extracts from Gymnasium's PyPI wheel.
///
/// The folder is, in order: `$ORL_MUJOCO_ASSETS`; `$XDG_CACHE_HOME/swift-offline-rl/mujoco-assets`;
/// `~/.cache/swift-offline-rl/mujoco-assets` (the same rule as `scripts/setup.d/mujoco-assets.sh`,
/// which also checks the files' SHA-256 against `scripts/mujoco-assets.sha256`).
public struct AssetLocator: Sendable, Equatable {
    /// The environment variable that overrides the asset folder.
    public static let environmentVariable = "ORL_MUJOCO_ASSETS"

    /// The folder searched.
    public var directory: URL

    /// A locator for an explicit folder.
    public init(directory: URL) { self.directory = directory }

    /// The folder chosen by the rule above from `environment` (default: this process's).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> AssetLocator {
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            return AssetLocator(directory: URL(fileURLWithPath: explicit))
        }
        let cache: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            cache = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        }
        return AssetLocator(directory: cache.appendingPathComponent("swift-offline-rl/mujoco-assets"))
    }

    /// The path of model file `name` (for example `hopper.xml`).
    /// - Throws: ``EnvironmentError/missingAsset(file:searched:)`` naming the path and how to get it.
    public func path(for name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw EnvironmentError.missingAsset(file: name, searched: path)
        }
        return path
    }
}
