import Foundation
import PolicyLearning

/// Starts one run's process and waits for it: the part of the queue a test replaces.
public protocol RunLauncher {
    /// Runs `orl ARGUMENTS`, appending its output to `stdout` and `stderr`, and returns its exit status.
    func launch(arguments: [String], stdout: String, stderr: String) throws -> Int32
}

/// The local run queue behind `orl reproduce`: the lines of run lists one after another, each as
/// its own process. A finished run (``RunStatus``) is skipped; a resumable one gets `--resume`
/// (once); a run another queue holds (its `.queue-lock`) is skipped as busy; a line that fails or
/// cannot start is reported and the queue goes on; after each run that finishes, its record is
/// archived (``RunArchive``). Several queues may share lists, one per core.
public struct RunQueue {
    /// What became of one line.
    public enum Outcome: Equatable, Sendable {
        /// Finished before (or by another queue), or only listed (dry run).
        case skipped(RunStatus)
        /// Another queue runs it now.
        case busy
        /// Ran to a zero exit status.
        case finished
        /// Could not start, or exited non-zero.
        case failed(String)
        /// Stopped on request (``StopRequest``, a Slurm time limit) with its checkpoint written.
        case stopped
    }

    /// Starts the runs.
    public var launcher: any RunLauncher
    /// Archives finished runs; `nil` archives nothing.
    public var archive: RunArchive?
    /// Where archived records are consulted for the status (`nil`: the directories only).
    public var records: String? = RunStatus.defaultRecords
    /// List each run's status and run nothing.
    public var dryRun = false
    /// One line per event.
    public var report: (String) -> Void

    /// A queue starting runs with `launcher`.
    public init(launcher: any RunLauncher, archive: RunArchive? = RunArchive(), report: @escaping (String) -> Void) {
        self.launcher = launcher
        self.archive = archive
        self.report = report
    }

    /// Runs every line of `lists` in order; returns each line's outcome. Once a stop was requested
    /// of this process (``StopRequest``: `SIGUSR1` to the queue, passed on to its run, which
    /// checkpoints and stops) no further run starts, and the remaining lines have no outcome.
    public func run(_ lists: [RunList]) -> [Outcome] {
        var outcomes: [Outcome] = []
        for list in lists {
            for run in list.runs {
                if StopRequest.isRequested { return outcomes }
                outcomes.append(execute(run, list: list))
            }
        }
        return outcomes
    }

    /// Runs one line unless it is finished or another queue holds it.
    public func execute(_ run: RunList.Run, list: RunList) -> Outcome {
        let status = RunStatus(of: run.directory, records: records)
        if dryRun || status == .finished {
            say(status.rawValue, run.directory)
            return .skipped(status)
        }
        do { try FileManager.default.createDirectory(atPath: run.directory, withIntermediateDirectories: true) } catch {
            return fail(run, list, "cannot create the run directory: \(error)")
        }
        guard let lock = FileLock.run(run.directory) else {
            say("busy", "\(run.directory) (another queue runs it)")
            return .busy
        }
        defer { withExtendedLifetime(lock) {} }
        // Judge again under the lock: another queue may have finished it meanwhile.
        let current = RunStatus(of: run.directory, records: records)
        if current == .finished {
            say("finished", run.directory)
            return .skipped(.finished)
        }
        let resume = current == .resumable && !run.arguments.contains("--resume")
        say("running", run.directory + (current == .resumable ? " (resuming)" : ""))
        let failureMarker = (run.directory as NSString).appendingPathComponent(RunLineState.failureMarker)
        try? FileManager.default.removeItem(atPath: failureMarker)
        let started = monotonicSeconds()
        let exitStatus: Int32
        do {
            exitStatus = try launcher.launch(arguments: run.arguments + (resume ? ["--resume"] : []),
                                         stdout: run.directory + "/stdout.log", stderr: run.directory + "/stderr.log")
        } catch {
            return fail(run, list, "could not start: \(error)")
        }
        if exitStatus == StopRequest.exitStatus || (exitStatus != 0 && StopRequest.isRequested) {
            say("stopped", run.directory + " (on request; resumable)")
            return .stopped
        }
        guard exitStatus == 0 else {
            // A run killed from outside (a signal: 128 + its number) did not fail by itself: it stays resumable.
            if exitStatus < 128 { try? AtomicFile.write(Data("exit \(exitStatus)\n".utf8), to: failureMarker) }
            return fail(run, list, "exit \(exitStatus); see its stderr.log")
        }
        if let archive {
            // The run's own folder still holds everything; a failed copy is retried after the next run.
            do { try archive.archive(run.directory) } catch { say("WARNING", "archiving \(run.directory) failed (\(error))") }
        }
        // Said when it ends too, so that a log shows each run's end, not only the next run's start.
        say("finished", run.directory + " (this process: \(Int(((monotonicSeconds() - started) / 60).rounded())) min)")
        return .finished
    }

    private func fail(_ run: RunList.Run, _ list: RunList, _ reason: String) -> Outcome {
        say("FAILED", "\(run.directory) (\(reason); \(list.path):\(run.lineNumber))")
        return .failed(reason)
    }

    private func say(_ tag: String, _ text: String) {
        report(tag.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + text)
    }
}

/// Starts runs as child processes of `executable` (by default this very program).
public struct ProcessLauncher: RunLauncher {
    /// The `orl` executable.
    public var executable: String
    /// Whether SIGTERM, SIGINT and SIGHUP that reach this process are passed on to the run it waits
    /// for, after which this process ends by the same signal (what `orl reproduce` wants: stopping
    /// the queue stops its run). Off by default: it installs process-wide signal handlers.
    public var passOnTermination: Bool

    /// A launcher of `executable`.
    public init(executable: String = ProcessLauncher.currentExecutable, passOnTermination: Bool = false) {
        self.executable = executable
        self.passOnTermination = passOnTermination
    }

    /// This executable (so a run list runs with the same build as the command). On Linux
    /// `/proc/self/exe` itself, which still starts this image after a rebuild replaced the file.
    public static var currentExecutable: String {
        FileManager.default.isExecutableFile(atPath: "/proc/self/exe") ? "/proc/self/exe" : CommandLine.arguments[0]
    }

    public func launch(arguments: [String], stdout: String, stderr: String) throws -> Int32 {
        try Self.spawn(executable, arguments, stdout: stdout, stderr: stderr, passOnTermination: passOnTermination)
    }

    /// Starts a process, appending its output to the given files (or this process's own), and waits.
    /// A stop requested of this process meanwhile (``StopRequest``) is passed on to the child as
    /// `SIGUSR1`, once, so a run checkpoints before a Slurm time limit. With `passOnTermination`, a
    /// SIGTERM, SIGINT or SIGHUP of this process is passed on to the child, and once the child has
    /// ended (or before it starts, if the signal came first) this process ends by that signal; the
    /// child also learns this process's id (`ORL_QUEUE_PID`), so that `orl train` checkpoints and
    /// stops when this process dies without passing anything on (SIGKILL).
    public static func spawn(_ path: String, _ arguments: [String], stdout: String?, stderr: String?,
                             passOnTermination: Bool = false) throws -> Int32 {
        if passOnTermination {
            TerminationForwarding.install()
            if let number = TerminationForwarding.receivedSignal { TerminationForwarding.endProcess(by: number) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let stdout { process.standardOutput = try appending(stdout) }
        if let stderr { process.standardError = try appending(stderr) }
        if passOnTermination {
            var environment = ProcessInfo.processInfo.environment
            environment[StopRequest.queueVariable] = String(getpid())
            process.environment = environment
        }
        try process.run()
        var forwarded = false, passedOn = false
        while process.isRunning {
            if !forwarded && StopRequest.isRequested {
                kill(process.processIdentifier, SIGUSR1)
                forwarded = true
            }
            if passOnTermination && !passedOn, let number = TerminationForwarding.receivedSignal {
                kill(process.processIdentifier, number)
                passedOn = true
            }
            usleep(50_000)
        }
        process.waitUntilExit()
        if passOnTermination, let number = TerminationForwarding.receivedSignal { TerminationForwarding.endProcess(by: number) }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    private static func appending(_ path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw RunListError.unreadable(path: path) }
        handle.seekToEndOfFile()
        return handle
    }
}
