import Foundation

/// One owner per run directory: an exclusive lock (`flock`) on `DIR/.lock`, held for the life of
/// a training process (`orl train`, `orl sac`, `orl morec learn-reward`), with the holder's PID
/// written inside so a second process can be told who has it. The kernel releases the lock when
/// its process dies, so the lock of a killed run is taken over safely by the next one. Taking it
/// also removes the temporaries (`*.tmp-PID-N`) that a killed process left behind: with the lock
/// held, no other process of this library can be writing them.
public final class RunDirectoryLock {
    /// The locked directory.
    public let directory: URL
    private let lock: FileLock

    /// The lock file's name.
    public static let fileName = ".lock"

    /// Takes the lock on `directory` (created if absent) and removes stale temporaries.
    /// - Throws: ``RunDirectoryError/busy(directory:holder:)`` when another process holds it;
    ///   ``RunDirectoryError/unusable(directory:problem:)`` when the directory cannot be created or locked.
    public init(_ directory: URL) throws(RunDirectoryError) {
        self.directory = directory
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .unusable(directory: directory.path, problem: (error as NSError).localizedDescription)
        }
        let path = directory.appendingPathComponent(Self.fileName).path
        guard let lock = FileLock(path: path) else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if fm.isWritableFile(atPath: path) || holder != nil { throw .busy(directory: directory.path, holder: holder) }
            throw .unusable(directory: directory.path, problem: "cannot open \(path) for writing")
        }
        self.lock = lock
        try? Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: path))
        Self.removeStaleTemporaries(in: directory)
    }

    /// Removes ``AtomicFile``'s temporaries (`*.tmp-PID-N`, and the older `*.tmp-PID`) in `directory`
    /// and its subfolders.
    static func removeStaleTemporaries(in directory: URL) {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory.path) else { return }
        for case let relative as String in walker where relative.range(of: #"\.tmp-[0-9]+(-[0-9]+)?$"#, options: .regularExpression) != nil {
            try? fm.removeItem(atPath: directory.appendingPathComponent(relative).path)
        }
    }
}

/// Why a run directory cannot be used.
public enum RunDirectoryError: Error, Equatable, CustomStringConvertible {
    /// Another process owns it.
    case busy(directory: String, holder: Int32?)
    /// It cannot be created, written or locked.
    case unusable(directory: String, problem: String)

    public var description: String {
        switch self {
        case let .busy(directory, holder):
            return "\(directory) is in use by another run" + (holder.map { " (process \($0))" } ?? "")
                + "; wait for it to finish or choose another --out"
        case let .unusable(directory, problem):
            return "cannot use the run directory \(directory): \(problem)"
        }
    }
}
