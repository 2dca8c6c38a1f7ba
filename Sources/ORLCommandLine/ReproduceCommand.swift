import ArgumentParser
import Foundation
import ExperimentRunner
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
                Output goes to the run's stdout.log and stderr.log. After each run that finishes, its text \
                record (configuration, metadata, logs, with finished.json) is copied into \
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

        @Flag(help: "Only copy the lists' finished runs' records into Experiments/run-records; run nothing.")
        var archiveOnly = false

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
            if archiveOnly {
                for directory in try RunArchive().archive(lists.map(\.list)) { print("archived   \(directory)") }
                return
            }
            var queue = RunQueue(launcher: ProcessLauncher(), archive: noArchive ? nil : RunArchive()) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))   // unbuffered: a queue's log shows each run as it starts
            }
            queue.dryRun = dryRun
            let failures = queue.run(lists.map(\.list)).filter { if case .failed = $0 { return true } else { return false } }.count
            if !dryRun && !noTable {
                for folder in Set(lists.compactMap(\.folder)).sorted() where fm.fileExists(atPath: "\(folder)/summarize.py") {
                    try python(["\(folder)/summarize.py"])
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// Runs a Python script with Experiments/.venv's interpreter when it exists (matplotlib), else python3.
        private func python(_ arguments: [String]) throws {
            let venv = "Experiments/.venv/bin/python"
            let interpreter = FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/env"
            let status = try ProcessLauncher.spawn(interpreter, (interpreter == venv ? [] : ["python3"]) + arguments, stdout: nil, stderr: nil)
            if status != 0 { throw ValidationError("\(arguments.joined(separator: " ")) failed (exit \(status))") }
        }
    }
}
