import Foundation

/// One experiment's run list (`Experiments/NAME/runs.txt`): `orl ...` command lines, each with
/// `--out DIR`; blank lines and lines starting with `#` are comments. `orl reproduce` runs them.
/// A line `#wait` ends a phase: run in order, the local queue needs nothing more, while on Slurm
/// the runs after it start only when every run before it has ended (e.g. MOREC's dynamics
/// rewards before the runs that read them).
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
        /// 0-based phase: the number of `#wait` lines above it.
        public var phase: Int = 0
    }

    /// The marker line that ends a phase.
    public static let waitMarker = "#wait"

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
        var phase = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == Self.waitMarker { phase += 1; continue }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.first == "orl", words.count > 1 else {
                throw .badLine(path: path, line: index + 1, text: line, problem: "a run line starts with `orl` and a subcommand")
            }
            guard let flag = words.firstIndex(of: "--out"), flag + 1 < words.count else {
                throw .badLine(path: path, line: index + 1, text: line, problem: "a run line needs --out DIR")
            }
            runs.append(Run(arguments: Array(words.dropFirst()), directory: words[flag + 1], lineNumber: index + 1, phase: phase))
        }
    }
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
