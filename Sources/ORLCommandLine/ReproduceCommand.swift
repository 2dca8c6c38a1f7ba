import ArgumentParser
import Foundation
import ExperimentRunner
import OfflineRL

extension ORL {
    /// `orl reproduce EXPERIMENT...`: run an `Experiments/` folder's run list (locally or as a
    /// Slurm job array) and write its table.
    struct Reproduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the runs of an Experiments/ folder (its runs.txt), locally or on Slurm, and write its table.",
            discussion: """
                Locally (the default) each line of the list runs as its own `orl` process, one after another: \
                a finished run (final.h5 or reward.h5 in its --out, or a committed record in \
                Experiments/run-records) is skipped, a killed one continues with --resume, so the command can \
                be stopped and started again at any time. Several `orl reproduce` processes may share lists \
                (one per core): each run is locked while one of them runs it. Output goes to the run's \
                stdout.log and stderr.log. Stopping the queue (SIGTERM, SIGINT, SIGHUP) stops its run too; a \
                run whose queue is killed outright checkpoints after its current update and exits; SIGUSR1 to the \
                queue stops it keeping all work (its run checkpoints after its current update, no other run \
                starts, exit 75). After each run \
                that finishes, its text record is copied into \
                Experiments/run-records (committed); at the end `orl results` writes the folder's table. \
                With --slurm, one sbatch job-array script per experiment (one array task per unfinished run \
                line) is written to Experiments/runs/slurm/ and submitted; each task runs the same code path; \
                before the time limit Slurm signals the task, the run checkpoints after its current update and \
                the task requeues itself, resuming from that checkpoint. Run from the repository root.
                """)

        @Argument(help: "Experiments/ folder names (mopo-mobile, lipschitz, morec, ravl-true-dynamics, d4rl-...) or paths of run lists.")
        var experiments: [String]

        @Flag(help: "Print each run's state and, for each dataset the lists need that is not on this machine, where it goes; run nothing.")
        var dryRun = false

        @Flag(help: "Print each run line's state (finished, running, resumable, failed, not started; Slurm's state where present) and, for an unfinished run, its last evaluation's update count and score and its checkpoint's update count.")
        var status = false

        @Flag(help: "Do not write the tables at the end (finished runs are still archived).")
        var noTable = false

        @Flag(help: "Do not copy finished runs' records into Experiments/run-records.")
        var noArchive = false

        @Flag(help: "Only copy the lists' finished runs' records into Experiments/run-records; run nothing.")
        var archiveOnly = false

        @OptionGroup(title: "Slurm")
        var slurm: SlurmSubmissionOptions

        @Option(help: .hidden)
        var arrayTask: Int?

        func validate() throws {
            if arrayTask != nil && experiments.count != 1 { throw ValidationError("--array-task runs one line of one run list") }
            if let k = slurm.maxConcurrent { try requirePositive(k, "--max-concurrent") }
            try requirePositive(slurm.cpusPerTask, "--cpus-per-task")
            try requirePositive(slurm.signalSeconds, "--signal-seconds")
        }

        func run() throws {
            let fm = FileManager.default
            guard fm.fileExists(atPath: "Experiments") else {
                throw ValidationError("no Experiments/ folder here; run `orl reproduce` from the repository root")
            }
            let lists = try experiments.map(ExperimentFolder.init(named:))
            if let arrayTask { return try runArrayTask(arrayTask, list: lists[0].list) }
            if status { return printStatus(lists) }
            if archiveOnly {
                for directory in try RunArchive().archive(lists.map(\.list)) { print("archived   \(directory)") }
                return
            }
            if dryRun { printMissingDatasets(lists.map(\.list)) }
            if slurm.slurm { return try submit(lists) }
            StopRequest.install()   // SIGUSR1 to the queue: its run checkpoints after its update, and no other run starts
            var queue = RunQueue(launcher: ProcessLauncher(passOnTermination: true), archive: noArchive ? nil : RunArchive()) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))   // unbuffered: a queue's log shows each run as it starts
            }
            queue.dryRun = dryRun
            let failures = queue.run(lists.map(\.list)).filter { if case .failed = $0 { return true } else { return false } }.count
            if StopRequest.isRequested {
                print("stopped on request: each run keeps its checkpoint; run the same command again to go on")
                throw ExitCode(StopRequest.exitStatus)
            }
            if !dryRun && !noTable {
                for folder in lists.compactMap(\.specPath) {
                    try ORL.Results.writeTable(folder: (folder as NSString).deletingLastPathComponent, format: .md, print: false)
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// One array task of a Slurm job (what the sbatch script runs).
        private func runArrayTask(_ index: Int, list: RunList) throws {
            StopRequest.install()   // Slurm's --signal=B:USR1: passed on to the run, which checkpoints
            let queue = RunQueue(launcher: ProcessLauncher(passOnTermination: true), archive: noArchive ? nil : RunArchive()) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            let outcome = try SlurmArrayTask(list: list, index: index).run(queue: queue, runner: ShellCommandRunner())
            if case .failed = outcome { throw ExitCode(1) }
        }

        private func submit(_ lists: [ExperimentFolder]) throws {
            let executable = URL(fileURLWithPath: ProcessLauncher.currentExecutable).resolvingSymlinksInPath().path
            let root = FileManager.default.currentDirectoryPath
            for folder in lists {
                // One job array per phase (#wait lines), each waiting for the previous one.
                let phases = Set(folder.list.runs.map(\.phase)).sorted()
                var previous: String?
                for phase in phases {
                    let name = phases.count == 1 ? folder.name : "\(folder.name)-phase\(phase + 1)"
                    var job = SlurmJob(name: name, list: folder.list, phase: phase, directory: "\(root)/Experiments/runs/slurm/\(folder.name)",
                                       executable: executable, workingDirectory: root, options: slurm.options) { run in
                        RunStatus(of: run.directory) == .finished
                    }
                    job.dependency = previous
                    guard !job.indices.isEmpty else { print("\(name): every run is finished; nothing to submit"); continue }
                    if dryRun {
                        try job.write()
                        print("\(name): \(job.indices.count) array tasks; script \(job.scriptPath) (not submitted):")
                        print(job.script)
                        previous = "JOB_OF_\(name)"
                        continue
                    }
                    let id = try job.submit(with: ShellCommandRunner())
                    previous = id
                    print("\(name): submitted job \(id) (\(job.indices.count) array tasks, \(job.jobName)); script \(job.scriptPath)")
                }
            }
        }

        private func printStatus(_ lists: [ExperimentFolder]) {
            let slurmStates = SlurmQueueState.current(runner: ShellCommandRunner(discardsErrors: true))   // no cluster: no column
            for folder in lists {
                print("\(folder.name) (\(folder.list.path)):")
                for (position, run) in folder.list.runs.enumerated() {
                    let state = RunLineState(of: run.directory)
                    let queued = ["orl-\(folder.name)", "orl-\(folder.name)-phase\(run.phase + 1)"].lazy
                        .compactMap { slurmStates?[SlurmQueueState.Key(jobName: $0, index: position + 1)] }.first
                    let progress = state == .finished ? nil : RunProgress(directory: run.directory)
                    print("  \(state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(run.directory)"
                          + (queued.map { " (Slurm \($0))" } ?? "") + (progress.map { " — \($0.summary)" } ?? ""))
                }
            }
        }

        /// For each dataset the lists name that is not on this machine: where it goes and how to get it.
        private func printMissingDatasets(_ lists: [RunList]) {
            guard let registry = try? DatasetRegistry.standard() else { return }
            var seen = Set<String>()
            for run in lists.flatMap(\.runs) {
                guard let flag = run.arguments.firstIndex(of: "--dataset"), flag + 1 < run.arguments.count else { continue }
                let name = run.arguments[flag + 1]
                guard seen.insert(name).inserted, !FileManager.default.fileExists(atPath: name),
                      let entry = try? registry.entry(named: name), registry.localPath(for: entry) == nil else { continue }
                let place = registry.searchDirectories(for: entry).first.map { ($0 as NSString).appendingPathComponent(entry.fileName) } ?? entry.fileName
                print("missing    \(name): put it at \(place)" + (entry.url.map { " (download: \($0))" } ?? "")
                      + (entry.isGenerated ? " (make it with `orl dataset generate`)" : ""))
            }
        }
    }
}

/// An experiment named on the command line: its folder's run list and experiment file.
struct ExperimentFolder {
    var name: String
    var list: RunList
    /// `Experiments/NAME/experiment.json` when it exists.
    var specPath: String?

    init(named name: String) throws {
        let fm = FileManager.default
        if name.hasSuffix(".txt") {
            list = try RunList(path: name)
            let folder = (name as NSString).deletingLastPathComponent
            self.name = ((name as NSString).lastPathComponent as NSString).deletingPathExtension == "runs"
                ? (folder as NSString).lastPathComponent : ((name as NSString).lastPathComponent as NSString).deletingPathExtension
            specPath = fm.fileExists(atPath: "\(folder)/experiment.json") ? "\(folder)/experiment.json" : nil
            return
        }
        let folder = "Experiments/\(name)"
        guard fm.fileExists(atPath: "\(folder)/runs.txt") else {
            let known = ((try? fm.contentsOfDirectory(atPath: "Experiments")) ?? [])
                .filter { fm.fileExists(atPath: "Experiments/\($0)/runs.txt") }.sorted()
            throw ValidationError("no run list \(folder)/runs.txt; experiments with one: \(known.joined(separator: ", ")) (the others' READMEs give their commands)")
        }
        self.name = name
        list = try RunList(path: "\(folder)/runs.txt")
        specPath = fm.fileExists(atPath: "\(folder)/experiment.json") ? "\(folder)/experiment.json" : nil
    }
}

/// `orl reproduce --slurm` and its resources.
struct SlurmSubmissionOptions: ParsableArguments {
    @Flag(help: "Submit each experiment as a Slurm job array (sbatch) instead of running it here.")
    var slurm = false

    @Option(help: "Slurm partition (the cluster's default if omitted).")
    var partition: String?

    @Option(help: "Time limit per array task (sbatch --time: HH:MM:SS, D-HH, minutes).")
    var time: String?

    @Option(help: "CPUs per array task.")
    var cpusPerTask = 1

    @Option(help: "Memory per array task (sbatch --mem, e.g. 8G).")
    var mem: String?

    @Option(help: "At most this many array tasks at once (the array's %K).")
    var maxConcurrent: Int?

    @Option(help: "Seconds before the time limit at which Slurm signals a task to checkpoint and requeue.")
    var signalSeconds = 300

    var options: SlurmOptions {
        var o = SlurmOptions()
        o.partition = partition
        o.time = time
        o.cpusPerTask = cpusPerTask
        o.memory = mem
        o.maxConcurrent = maxConcurrent
        o.signalSeconds = signalSeconds
        return o
    }
}
