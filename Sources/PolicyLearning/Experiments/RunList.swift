import Foundation

/// One experiment's run list (`Experiments/NAME/runs.txt`): `orl ...` command lines, each with
/// `--out DIR`; blank lines and lines starting with `#` are comments. `orl reproduce` runs them.
///
/// ```
/// # MOPO, short preset
/// orl train --algo mopo --dataset hopper-medium-orl --preset short --seed 1 --out Experiments/runs/hopper-medium-orl/mopo-seed1
/// ```
public struct RunList: Sendable {
    /// One line: the `orl` arguments (without the leading `orl`) and the run directory.
    public struct Run: Sendable, Equatable {
        /// The command's arguments after `orl`.
        public var arguments: [String]
        /// The `--out` directory.
        public var directory: String
        /// 1-based line number in the list.
        public var lineNumber: Int
    }

    /// Where a run stands, judged from the files in its directory.
    public enum State: String, Sendable {
        /// `final.h5` (an agent) or `reward.h5` (a MOREC dynamics reward): nothing to do.
        case finished
        /// A checkpoint, a dynamics model or a fit in progress: continue with `--resume`.
        case resumable
        /// Nothing yet.
        case new
    }

    /// The list's file.
    public var path: String
    /// Its runs, in order.
    public var runs: [Run]

    /// Reads and checks a list.
    /// - Throws: ``RunListError`` when the file cannot be read or a line is not `orl ... --out DIR`.
    public init(path: String) throws(RunListError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path: path) }
        try self.init(text: text, path: path)
    }

    /// Parses a list's text (`path` names it in errors).
    /// - Throws: ``RunListError/badLine(path:line:text:problem:)``.
    public init(text: String, path: String) throws(RunListError) {
        self.path = path
        runs = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.first == "orl", words.count > 1 else {
                throw .badLine(path: path, line: index + 1, text: line, problem: "a run line starts with `orl` and a subcommand")
            }
            guard let flag = words.firstIndex(of: "--out"), flag + 1 < words.count else {
                throw .badLine(path: path, line: index + 1, text: line, problem: "a run line needs --out DIR")
            }
            runs.append(Run(arguments: Array(words.dropFirst()), directory: words[flag + 1], lineNumber: index + 1))
        }
    }

    /// The state of a run directory. A run whose record was archived (`records/DATASET/NAME/finished.json`,
    /// written by `Experiments/archive_runs.py` and committed) is finished even where its directory
    /// is gone, so a new machine does not redo it.
    public static func state(of directory: String, records: String? = "Experiments/run-records") -> State {
        let fm = FileManager.default
        func has(_ name: String) -> Bool { fm.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) }
        if has("final.h5") || has("reward.h5") { return .finished }
        if let records {
            let parts = (directory as NSString).standardizingPath.split(separator: "/").suffix(2).joined(separator: "/")
            if fm.fileExists(atPath: "\(records)/\(parts)/finished.json") { return .finished }
        }
        if ["checkpoint.h5", "dynamics.h5", "dynamics-fit.h5", "learner.h5"].contains(where: has) { return .resumable }
        return .new
    }
}

/// An exclusive lock on a file (flock), held until the object is released. `orl reproduce` takes
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

    /// Waits until the lock on `path` is free and takes it; `nil` when the file cannot be opened.
    public init?(waitingFor path: String) {
        guard let fd = Self.open(path) else { return nil }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { close(fd); return nil }
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

/// A run list that cannot be used.
public enum RunListError: Error, CustomStringConvertible, Equatable {
    /// The file is missing or not text.
    case unreadable(path: String)
    /// A line is not `orl SUBCOMMAND ... --out DIR`.
    case badLine(path: String, line: Int, text: String, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot read the run list \(path)"
        case let .badLine(path, line, text, problem): return "\(path):\(line): \(problem), found: \(text)"
        }
    }
}
