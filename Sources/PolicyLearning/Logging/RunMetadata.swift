import Foundation
import LinearAlgebra
import OfflineData

/// What a run records beside its results: the library version, the git revision of the checkout,
/// the executable's SHA-256, the command line, the seed, the start time and the OpenBLAS kernels,
/// then the same of each resume (a long run may be resumed by another build or on another machine).
public struct RunMetadata: Codable, Sendable {
    /// Library version.
    public var library: String
    /// Commit of the checkout ("unknown" outside git).
    public var gitRevision: String
    /// The process's command line.
    public var command: [String]
    /// The run's seed.
    public var seed: UInt64
    /// Start time, ISO 8601.
    public var started: String
    /// The OpenBLAS kernel set (``LinearAlgebra/BLASRuntime/coreName``): runs agree bit for bit
    /// only under the same kernels (`OPENBLAS_CORETYPE`); `nil` in records made before it was kept.
    public var blasKernels: String?
    /// SHA-256 of the executable that started the run (`/proc/self/exe`): it names the build where
    /// ``gitRevision`` (the checkout's HEAD when the run started) cannot, e.g. a binary copied aside
    /// for a long queue while the checkout moves on. `nil` where it cannot be read, and in records
    /// made before it was kept.
    public var executableSHA256: String?
    /// Each later start from the run's checkpoint, in order: `nil` for a run never resumed, and in
    /// records made before resumes were kept.
    public var resumes: [Resume]?

    /// One resume of a run: when, and by which build, checkout and kernels.
    public struct Resume: Codable, Sendable, Equatable {
        /// Start time of the resuming process, ISO 8601.
        public var started: String
        /// Commit of the checkout the resuming process ran in.
        public var gitRevision: String
        /// SHA-256 of the resuming executable.
        public var executableSHA256: String?
        /// The resuming process's OpenBLAS kernel set.
        public var blasKernels: String?
        /// The resuming process's command line.
        public var command: [String]
    }

    /// Metadata of the current process.
    public static func current(seed: UInt64) -> RunMetadata {
        RunMetadata(library: OfflineRLVersion.string, gitRevision: gitRevision(),
                    command: readableCommand(CommandLine.arguments), seed: seed,
                    started: ISO8601DateFormatter().string(from: Date()), blasKernels: BLASRuntime.coreName,
                    executableSHA256: executableDigest)
    }

    /// `arguments` with a leading `/proc/self/exe` (how `orl reproduce` starts each run, so that a
    /// rebuild cannot swap the binary under a queue) replaced by the file that link names, so a
    /// record says which executable ran; other command lines are returned unchanged.
    public static func readableCommand(_ arguments: [String]) -> [String] {
        guard arguments.first == "/proc/self/exe",
              let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return arguments }
        return [target] + arguments.dropFirst()
    }

    /// Appends the current process to the `resumes` of the metadata file at `path`, atomically
    /// (writing the current process's metadata where the file is missing, as after a kill between
    /// a run's first files). Throws where the file is unreadable, leaving it as it is.
    /// - Parameters:
    ///   - path: the run's `metadata.json`.
    ///   - seed: the run's seed, recorded where the file is missing.
    public static func recordResume(at path: String, seed: UInt64) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            try write(current(seed: seed), to: path)
            return
        }
        var metadata = try JSONDecoder().decode(RunMetadata.self, from: data)
        let now = current(seed: metadata.seed)
        metadata.resumes = (metadata.resumes ?? []) + [Resume(started: now.started, gitRevision: now.gitRevision,
                                                              executableSHA256: now.executableSHA256,
                                                              blasKernels: now.blasKernels, command: now.command)]
        try write(metadata, to: path)
    }

    /// Writes `metadata` as sorted, indented JSON, atomically.
    public static func write(_ metadata: RunMetadata, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(metadata), to: path)
    }

    /// The running executable's SHA-256, read once per process.
    static let executableDigest: String? = try? SHA256Checksum.hexDigest(ofFileAt: "/proc/self/exe")

    /// The commit checked out in the working directory or the library's source tree ("unknown" outside git).
    public static func gitRevision() -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for candidate in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), directory] {
            directory = candidate
            while directory.path != "/" {
                let git = directory.appendingPathComponent(".git")
                if let revision = resolve(git) { return revision }
                directory.deleteLastPathComponent()
            }
        }
        return "unknown"
    }

    private static func resolve(_ git: URL) -> String? {
        var gitDirectory = git
        // A worktree's .git is a file "gitdir: PATH".
        if let text = try? String(contentsOf: git, encoding: .utf8), text.hasPrefix("gitdir:") {
            gitDirectory = URL(fileURLWithPath: text.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let head = try? String(contentsOf: gitDirectory.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        for base in [gitDirectory, gitDirectory.deletingLastPathComponent().deletingLastPathComponent()] {
            if let value = try? String(contentsOf: base.appendingPathComponent(ref), encoding: .utf8) {
                return value.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if let packed = try? String(contentsOf: gitDirectory.appendingPathComponent("packed-refs"), encoding: .utf8) {
            for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                return String(line.split(separator: " ")[0])
            }
        }
        return nil
    }
}
