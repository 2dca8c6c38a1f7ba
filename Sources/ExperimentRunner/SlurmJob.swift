import Foundation

/// Runs an external command and captures its output: `sbatch`, `squeue`, `scontrol`. Tests
/// replace it to check what would be called.
public protocol CommandRunner {
    /// Runs `executable` (looked up on `PATH`) with `arguments`; returns its exit status and standard output.
    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)
}

/// Runs commands as child processes found on `PATH`.
public struct ShellCommandRunner: CommandRunner {
    /// Whether the command's standard error is dropped instead of shown: for queries whose failure
    /// only means "no answer" (`squeue` where no cluster is configured or installed).
    public var discardsErrors: Bool

    /// A runner; `discardsErrors` drops the commands' standard error.
    public init(discardsErrors: Bool = false) { self.discardsErrors = discardsErrors }

    public func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        if discardsErrors { process.standardError = FileHandle.nullDevice }
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The resources and limits of a Slurm submission (`orl reproduce --slurm`).
public struct SlurmOptions: Sendable, Equatable {
    /// `--partition` (the cluster's default when `nil`).
    public var partition: String?
    /// `--time` per array task, in any form `sbatch` takes (`HH:MM:SS`, `D-HH`, minutes).
    public var time: String?
    /// `--cpus-per-task`.
    public var cpusPerTask = 1
    /// `--mem` per task (`8G`).
    public var memory: String?
    /// The array's `%K` throttle: at most this many tasks at once.
    public var maxConcurrent: Int?
    /// How long before the time limit Slurm signals the task (`--signal=B:USR1@S`): enough for a
    /// run to finish its update (a MOREC run: to reach its next evaluation) or a dynamics-fit epoch,
    /// and checkpoint.
    public var signalSeconds = 300

    /// Default options.
    public init() {}
}

/// One experiment's Slurm job array: one array task per run line that is not finished, each
/// running `orl reproduce --array-task I LIST` (the same code path as the local queue: finished
/// runs skipped, killed runs resumed, the run locked while it runs). Before the time limit Slurm
/// sends `SIGUSR1` to the task, which passes it to the run: the run checkpoints and stops, and the
/// task requeues itself (`scontrol requeue`), so the requeued task resumes from that checkpoint.
public struct SlurmJob: Sendable, Equatable {
    /// The experiment's name (the job is `orl-NAME`).
    public var name: String
    /// The run list's path.
    public var listPath: String
    /// The 1-based positions in the list of the runs to submit.
    public var indices: [Int]
    /// Where the script and the tasks' Slurm logs go.
    public var directory: String
    /// The `orl` executable the tasks run.
    public var executable: String
    /// The directory the tasks run in (the repository root).
    public var workingDirectory: String
    /// Resources and limits.
    public var options: SlurmOptions
    /// A job that must end before this one starts (`--dependency=afterany:ID`): the previous phase's.
    public var dependency: String?

    /// A job for the runs of `list` (of one `phase`, or all) that `isDone` does not exclude.
    public init(name: String, list: RunList, phase: Int? = nil, directory: String, executable: String, workingDirectory: String,
                options: SlurmOptions, isDone: (RunList.Run) -> Bool) {
        self.name = name
        self.listPath = list.path
        self.indices = list.runs.indices.filter { (phase == nil || list.runs[$0].phase == phase) && !isDone(list.runs[$0]) }.map { $0 + 1 }
        self.directory = directory
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.options = options
    }

    /// The job's name in `squeue`.
    public var jobName: String { "orl-\(name)" }

    /// The script's path.
    public var scriptPath: String { (directory as NSString).appendingPathComponent("\(name).sbatch") }

    /// `--array`'s value: the indices as ranges (`1-3,5`), with the `%K` throttle.
    public var arraySpecification: String {
        var parts: [String] = []
        var start = indices.first ?? 0, previous = start
        for index in indices.dropFirst() + [Int.min] {
            if index == previous + 1 { previous = index; continue }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = index; previous = index
        }
        return parts.joined(separator: ",") + (options.maxConcurrent.map { "%\($0)" } ?? "")
    }

    /// The sbatch script.
    public var script: String {
        var lines = [
            "#!/bin/bash",
            "# Written by `orl reproduce \(name) --slurm`: one array task per unfinished line of \(listPath).",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=\(arraySpecification)",
            "#SBATCH --chdir=\(workingDirectory)",
            "#SBATCH --output=\((directory as NSString).appendingPathComponent("%A_%a.out"))",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "#SBATCH --signal=B:USR1@\(options.signalSeconds)",
            "#SBATCH --cpus-per-task=\(options.cpusPerTask)",
        ]
        if let partition = options.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = options.time { lines.append("#SBATCH --time=\(time)") }
        if let memory = options.memory { lines.append("#SBATCH --mem=\(memory)") }
        if let dependency { lines.append("#SBATCH --dependency=afterany:\(dependency)") }
        lines.append("exec \(Self.quoted(executable)) reproduce --array-task \"$SLURM_ARRAY_TASK_ID\" --no-table \(Self.quoted(listPath))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the script and submits it with `sbatch --parsable`; returns the job id.
    /// - Throws: ``SlurmError`` when `sbatch` fails or prints no id.
    public func submit(with runner: any CommandRunner) throws -> String {
        try write()
        let (status, output) = try runner.run("sbatch", ["--parsable", scriptPath])
        let id = output.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError.submissionFailed(script: scriptPath, status: status, output: output)
        }
        return id
    }

    /// Writes the script (and the log folder).
    /// - Throws: file-system errors.
    public func write() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath), options: .atomic)
    }

    private static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// What went wrong talking to Slurm.
public enum SlurmError: Error, CustomStringConvertible, Equatable {
    /// `sbatch` failed.
    case submissionFailed(script: String, status: Int32, output: String)
    /// `scontrol requeue` failed.
    case requeueFailed(task: String, status: Int32)
    /// `--array-task` outside the list.
    case noSuchTask(index: Int, runs: Int, list: String)

    public var description: String {
        switch self {
        case let .submissionFailed(script, status, output):
            return "sbatch \(script) failed (exit \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case let .requeueFailed(task, status): return "scontrol requeue \(task) failed (exit \(status))"
        case let .noSuchTask(index, runs, list): return "array task \(index) is outside \(list) (\(runs) runs)"
        }
    }
}
