import ArgumentParser
import Foundation

/// One experiment's run list (`Experiments/NAME/runs.txt`): `orl ...` command lines, each with
/// `--out DIR`; blank lines and lines starting with `#` are comments.
struct RunList {
    /// One line: the `orl` arguments (without the leading `orl`) and the run directory.
    struct Run {
        var arguments: [String]
        var directory: String
        var lineNumber: Int
    }

    /// Where a run stands, judged from the files in its directory.
    enum State: String {
        /// `final.h5` (an agent) or `reward.h5` (a MOREC dynamics reward): nothing to do.
        case finished
        /// A checkpoint, a dynamics model or a fit in progress: continue with `--resume`.
        case resumable
        /// Nothing yet.
        case new
    }

    var path: String
    var runs: [Run]

    /// Reads and checks a list; a line that is not `orl ... --out DIR` is an error naming it.
    init(path: String) throws {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the run list \(path)")
        }
        runs = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.first == "orl", words.count > 1 else {
                throw ValidationError("\(path):\(index + 1): a run line starts with `orl`, found: \(line)")
            }
            guard let flag = words.firstIndex(of: "--out"), flag + 1 < words.count else {
                throw ValidationError("\(path):\(index + 1): a run line needs --out DIR: \(line)")
            }
            runs.append(Run(arguments: Array(words.dropFirst()), directory: words[flag + 1], lineNumber: index + 1))
        }
    }

    /// The state of a run directory.
    static func state(of directory: String) -> State {
        let fm = FileManager.default
        func has(_ name: String) -> Bool { fm.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) }
        if has("final.h5") || has("reward.h5") { return .finished }
        if ["checkpoint.h5", "dynamics.h5", "dynamics-fit.h5", "learner.h5"].contains(where: has) { return .resumable }
        return .new
    }
}

/// An exclusive, non-blocking lock on `DIR/.queue-lock` (flock), so that several queues (one per
/// core, say) can work through the same lists without running one run twice. The kernel drops it
/// when the process ends, so a killed queue never leaves a stale lock.
struct RunLock: ~Copyable {
    private let descriptor: Int32

    /// Takes the lock, or returns `nil` when another process holds it.
    init?(directory: String) {
        let path = (directory as NSString).appendingPathComponent(".queue-lock")
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
