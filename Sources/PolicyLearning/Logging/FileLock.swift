import Foundation

/// An exclusive lock on a file (flock), held until the object is released. The experiment runner takes
/// one on `RUN/.queue-lock` so that several queues (one per core, say) can work through the same
/// lists without running one run twice; the offline trainer takes one while it fits a shared
/// dynamics cache, so that runs needing the same cache wait for one fit instead of each making
/// their own. The kernel drops the lock when the process ends, so a kill never leaves a stale one.
public final class FileLock {
    private let descriptor: Int32

    /// Takes the lock on `path` (created if absent), or returns `nil` when another holder has it
    /// or the file cannot be opened.
    public init?(path: String) {
        guard let fd = Self.open(path) else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        descriptor = fd
    }

    /// Waits until the lock on `path` is free and takes it, asking `giveUp` every `pollSeconds`
    /// meanwhile (a blocking wait would not notice a stop request); `nil` when the file cannot be
    /// opened or `giveUp` answered `true` first.
    public init?(waitingFor path: String, pollSeconds: Double = 0.2, giveUp: () -> Bool = { false }) {
        guard let fd = Self.open(path) else { return nil }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, !giveUp() else { close(fd); return nil }
            usleep(useconds_t(pollSeconds * 1e6))
        }
        descriptor = fd
    }

    /// The lock `orl reproduce` holds on a run directory while it runs it.
    public static func run(_ directory: String) -> FileLock? {
        FileLock(path: (directory as NSString).appendingPathComponent(".queue-lock"))
    }

    private static func open(_ path: String) -> Int32? {
        let fd = Foundation.open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        return fd >= 0 ? fd : nil
    }

    deinit { close(descriptor) }
}

