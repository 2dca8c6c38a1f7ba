import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The built `orl` executable and a way to run it as a child process that is SIGKILLed at a chosen
/// moment, for the kill-and-resume tests.
enum ORLProcess {
    /// The `orl` executable beside the test bundle (`swift build` puts every product of the
    /// package in one folder), else `.build/release/orl` in the repository.
    static var executable: URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orl"),
                          Python.repositoryRoot.appendingPathComponent(".build/release/orl")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// When a child is killed, observed from its run directory while it runs.
    enum KillMoment: Equatable, CustomStringConvertible {
        /// As soon as `dynamics-fit.h5` exists (a dynamics fit in progress, after a whole epoch).
        case dynamicsFit
        /// As soon as `checkpoint.h5` is replaced (a checkpoint was just written).
        case afterCheckpoint
        /// As soon as `progress.jsonl` grows (an evaluation was just logged; its checkpoint may not be written yet).
        case afterEvaluation
        /// After this many seconds.
        case after(Double)

        var description: String {
            switch self {
            case .dynamicsFit: "during the dynamics fit"
            case .afterCheckpoint: "right after a checkpoint write"
            case .afterEvaluation: "right after an evaluation"
            case let .after(seconds): String(format: "after %.2f s", seconds)
            }
        }
    }

    /// How one launch ended.
    struct Outcome {
        /// The moment the child was killed at, or `nil` when it exited by itself.
        var killed: KillMoment?
        /// The exit status when it exited by itself.
        var status: Int32
    }

    /// Runs `orl arguments`, appending its output to `log`; with `moment`, SIGKILLs it when the
    /// moment is observed in `runDirectory` (or lets it finish if it never is).
    static func launch(_ arguments: [String], runDirectory: String, killAt moment: KillMoment?, log: URL) throws -> Outcome {
        guard let executable else { throw ORLProcessError.missingExecutable }
        let fm = FileManager.default
        if !fm.fileExists(atPath: log.path) { _ = fm.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        let checkpoint = runDirectory + "/checkpoint.h5", progress = runDirectory + "/progress.jsonl"
        let checkpointBefore = fileNumber(checkpoint), progressBefore = fileSize(progress)
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        var killed: KillMoment?
        if let moment {
            while process.isRunning {
                let observed: Bool
                switch moment {
                case .dynamicsFit: observed = fm.fileExists(atPath: runDirectory + "/dynamics-fit.h5")
                case .afterCheckpoint: observed = fileNumber(checkpoint) != checkpointBefore
                case .afterEvaluation: observed = fileSize(progress) > progressBefore
                case let .after(seconds): observed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 >= seconds
                }
                if observed {
                    kill(process.processIdentifier, SIGKILL)
                    killed = moment
                    break
                }
                usleep(200)
            }
        }
        process.waitUntilExit()
        if killed != nil && process.terminationReason == .exit { killed = nil }   // it had finished first
        return Outcome(killed: killed, status: process.terminationStatus)
    }

    /// Polls `condition` every 0.1 s for at most `seconds`; whether it came true.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    /// The file's inode number (an atomic replacement changes it), or `nil` when it does not exist.
    static func fileNumber(_ path: String) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? UInt64
    }

    /// The file's size in bytes (0 when it does not exist).
    static func fileSize(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64) ?? 0
    }
}

/// Why a child process could not be run.
enum ORLProcessError: Error, CustomStringConvertible {
    case missingExecutable

    var description: String {
        "the orl executable was found neither beside the test bundle nor at .build/release/orl: run `swift build -c release` first"
    }
}
