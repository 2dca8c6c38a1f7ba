import Foundation
import Synchronization

/// Writes files so that a reader (or a resumed run after a kill) sees either the old or the new
/// content, never a torn one: write beside the target, flush, then rename over it (POSIX rename
/// is atomic within a file system).
public enum AtomicFile {
    private static let writes = Atomic<Int>(0)

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try produce(path) { temporary in try data.write(to: URL(fileURLWithPath: temporary)) }
    }

    /// Lets `body` create the file at a temporary path (`path.tmp-PID-N`, N counting this
    /// process's writes, so threads writing one path never share a temporary), then moves it to
    /// `path` atomically. The last rename wins.
    public static func produce(_ path: String, _ body: (String) throws -> Void) throws {
        let temporary = path + ".tmp-\(getpid())-\(writes.wrappingAdd(1, ordering: .relaxed).oldValue)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try body(temporary)
            let fd = open(temporary, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
