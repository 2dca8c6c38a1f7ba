import ArgumentParser
import Foundation
import OfflineRL

extension ORL {
    /// `orl reproduce EXPERIMENT...`: run an `Experiments/` folder's run list and write its table.
    struct Reproduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the runs of an Experiments/ folder (its runs.txt) and write its table.",
            discussion: """
                Each line of the list runs as its own `orl` process, one after another: a finished run \
                (final.h5 or reward.h5 in its --out, or a committed record in Experiments/run-records) is skipped, a killed one continues with --resume, so \
                the command can be stopped and started again at any time. Several `orl reproduce` \
                processes may share lists (one per core): each run is locked while one of them runs it. \
                Output goes to the run's stdout.log and stderr.log. After each run that finishes, \
                Experiments/archive_runs.py copies finished runs' text records into \
                Experiments/run-records (committed), so a machine that vanishes mid-list loses no \
                finished run; at the end the folder's summarize.py, if any, writes the table. Run \
                from the repository root.
                """)

        @Argument(help: "Experiments/ folder names (mopo-mobile, lipschitz, morec, ravl-true-dynamics) or paths of run lists.")
        var experiments: [String]

        @Flag(help: "Print each run's state (finished, resumable, new) and run nothing.")
        var dryRun = false

        @Flag(help: "Do not write the tables at the end (finished runs are still archived).")
        var noTable = false

        @Flag(help: "Do not copy finished runs' records into Experiments/run-records.")
        var noArchive = false

        func run() throws {
            let fm = FileManager.default
            guard fm.fileExists(atPath: "Experiments") else {
                throw ValidationError("no Experiments/ folder here; run `orl reproduce` from the repository root")
            }
            let lists = try experiments.map { name -> (folder: String?, list: RunList) in
                if name.hasSuffix(".txt") { return (nil, try RunList(path: name)) }
                let folder = "Experiments/\(name)"
                guard fm.fileExists(atPath: "\(folder)/runs.txt") else {
                    let known = ((try? fm.contentsOfDirectory(atPath: "Experiments")) ?? [])
                        .filter { fm.fileExists(atPath: "Experiments/\($0)/runs.txt") }.sorted()
                    throw ValidationError("no run list \(folder)/runs.txt; experiments with one: \(known.joined(separator: ", ")) (the others' READMEs give their commands)")
                }
                return (folder, try RunList(path: "\(folder)/runs.txt"))
            }
            var failures = 0
            for (_, list) in lists {
                for run in list.runs {
                    switch try execute(run, list: list) {
                    case .skipped: break
                    case .failed: failures += 1
                    case .finished: if !noArchive { archiveFinishedRuns() }
                    }
                }
            }
            if !dryRun && !noTable {
                for folder in Set(lists.compactMap(\.folder)).sorted() where fm.fileExists(atPath: "\(folder)/summarize.py") {
                    try python(["\(folder)/summarize.py"])
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// What became of one line of a run list.
        private enum Outcome { case skipped, finished, failed }

        /// Runs one line unless it is finished or another queue holds it.
        private func execute(_ run: RunList.Run, list: RunList) throws -> Outcome {
            let state = RunList.state(of: run.directory)
            if dryRun || state == .finished {
                say("\(state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(run.directory)")
                return .skipped
            }
            try FileManager.default.createDirectory(atPath: run.directory, withIntermediateDirectories: true)
            guard let lock = FileLock.run(run.directory) else {
                say("busy       \(run.directory) (another queue runs it)")
                return .skipped
            }
            // Judge again under the lock: another queue may have finished it meanwhile.
            let current = RunList.state(of: run.directory)
            if current == .finished { say("finished   \(run.directory)"); return .skipped }
            let arguments = run.arguments + (current == .resumable && !run.arguments.contains("--resume") ? ["--resume"] : [])
            say("running    \(run.directory)\(current == .resumable ? " (resuming)" : "")")
            // A run that cannot even start fails alone; the queue goes on with the next line.
            let status: Int32
            do {
                status = try spawn(Self.executablePath, arguments, stdout: "\(run.directory)/stdout.log", stderr: "\(run.directory)/stderr.log")
            } catch {
                say("FAILED     \(run.directory) (could not start: \(error); \(list.path):\(run.lineNumber))")
                return .failed
            }
            withExtendedLifetime(lock) {}
            guard status == 0 else {
                say("FAILED     \(run.directory) (exit \(status); see its stderr.log; \(list.path):\(run.lineNumber))")
                return .failed
            }
            return .finished
        }

        /// Copies finished runs' records into Experiments/run-records. A failure here is reported and
        /// the queue goes on: the run's own folder still holds everything, and the next archive pass
        /// (after the next finished run, or by hand) picks it up.
        private func archiveFinishedRuns() {
            do { try python(["Experiments/archive_runs.py"]) } catch {
                say("WARNING    archiving failed (\(error)); the queue goes on, rerun python3 Experiments/archive_runs.py")
            }
        }

        /// One line to standard output at once (unbuffered, so a queue's log shows each run as it starts).
        private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

        /// This executable (so that a run list runs with the same build as the command). On Linux
        /// `/proc/self/exe` itself, which still starts this image after the file was replaced by a
        /// rebuild (its resolved name then ends in "(deleted)").
        static var executablePath: String {
            FileManager.default.isExecutableFile(atPath: "/proc/self/exe") ? "/proc/self/exe" : CommandLine.arguments[0]
        }

        /// Runs a Python script with Experiments/.venv's interpreter when it exists (matplotlib), else python3.
        private func python(_ arguments: [String]) throws {
            let venv = "Experiments/.venv/bin/python"
            let interpreter = FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/env"
            let status = try spawn(interpreter, (interpreter == venv ? [] : ["python3"]) + arguments, stdout: nil, stderr: nil)
            if status != 0 { throw ValidationError("\(arguments.joined(separator: " ")) failed (exit \(status))") }
        }

        /// Starts a process, appending its output to the given files (or this process's own), and waits.
        private func spawn(_ path: String, _ arguments: [String], stdout: String?, stderr: String?) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            if let stdout { process.standardOutput = try Self.appending(stdout) }
            if let stderr { process.standardError = try Self.appending(stderr) }
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }

        private static func appending(_ path: String) throws -> FileHandle {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
            handle.seekToEndOfFile()
            return handle
        }
    }
}
