/// A behaviour policy the registry knows: the actor file `orl dataset generate` runs to make this
/// project's `-orl` datasets, and its SHA-256, so generation can refuse a different actor.
public struct PolicyEntry: Codable, Sendable, Equatable {
    /// `ENV-ROLE`, e.g. `hopper-medium`.
    public var name: String
    /// `halfcheetah`, `hopper` or `walker2d`.
    public var environment: String
    /// `medium` or `expert`.
    public var role: String
    /// The actor's path relative to the package's `Datasets/` folder (`policies/hopper-medium.h5`).
    public var fileName: String
    /// The actor file's SHA-256, lower-case hexadecimal.
    public var sha256: String

    /// Creates an entry.
    public init(name: String, environment: String, role: String, fileName: String, sha256: String) {
        self.name = name
        self.environment = environment
        self.role = role
        self.fileName = fileName
        self.sha256 = sha256
    }
}

/// A generated file as this project made it for its tables: its SHA-256 and how it was made.
///
/// Generation is deterministic for a given library, seed, policy and OpenBLAS kernel family, but
/// float32 products differ between kernel families (`Haswell`, `SkylakeX`, ...), so the checksum
/// is only expected to match where ``openBLASCore`` is the active kernel family.
public struct DatasetChecksum: Codable, Sendable, Equatable {
    /// The file's SHA-256, lower-case hexadecimal.
    public var sha256: String
    /// The command that made it, run from the package root.
    public var command: String
    /// The OpenBLAS kernel family active when it was made (`BLASRuntime.coreName`).
    public var openBLASCore: String
    /// The CPU it was made on.
    public var cpu: String
    /// The day it was made (`YYYY-MM-DD`, UTC).
    public var date: String

    /// Creates a record.
    public init(sha256: String, command: String, openBLASCore: String, cpu: String, date: String) {
        self.sha256 = sha256
        self.command = command
        self.openBLASCore = openBLASCore
        self.cpu = cpu
        self.date = date
    }
}
