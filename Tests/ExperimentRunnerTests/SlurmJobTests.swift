import Foundation
import Testing
import TestSupport
import ExperimentRunner
import PolicyLearning

/// Records the commands it is asked to run and answers from a script.
final class RecordingRunner: CommandRunner {
    var calls: [[String]] = []
    var answer: (status: Int32, output: String)
    init(answer: (status: Int32, output: String)) { self.answer = answer }
    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        calls.append([executable] + arguments)
        return answer
    }
}

@Suite("Slurm job arrays: scripts, submission, queue state")
struct SlurmJobTests {
    static let list = try! RunList(text: (1...6).map { "orl train --seed \($0) --out runs/d/a-seed\($0)" }.joined(separator: "\n"),
                                   path: "Experiments/x/runs.txt")

    @Test func scriptHasOneTaskPerUnfinishedLineAndTheRequestedResources() throws {
        var options = SlurmOptions()
        options.partition = "cpu"
        options.time = "2-00:00:00"
        options.cpusPerTask = 2
        options.memory = "8G"
        options.maxConcurrent = 3
        options.signalSeconds = 600
        let job = SlurmJob(name: "x", list: Self.list, directory: "/r/Experiments/runs/slurm/x", executable: "/opt/orl bin/orl",
                           workingDirectory: "/r", options: options) { $0.directory.hasSuffix("seed3") || $0.directory.hasSuffix("seed4") }
        #expect(job.indices == [1, 2, 5, 6])
        #expect(job.arraySpecification == "1-2,5-6%3")
        for line in ["#SBATCH --job-name=orl-x", "#SBATCH --array=1-2,5-6%3", "#SBATCH --chdir=/r", "#SBATCH --requeue",
                     "#SBATCH --signal=B:USR1@600", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu",
                     "#SBATCH --time=2-00:00:00", "#SBATCH --mem=8G", "#SBATCH --output=/r/Experiments/runs/slurm/x/%A_%a.out",
                     "exec '/opt/orl bin/orl' reproduce --array-task \"$SLURM_ARRAY_TASK_ID\" --no-table Experiments/x/runs.txt"] {
            #expect(job.script.contains(line + "\n"), "missing: \(line)")
        }
        let plain = SlurmJob(name: "x", list: Self.list, directory: "/r", executable: "orl", workingDirectory: "/r",
                             options: SlurmOptions()) { _ in false }
        #expect(plain.arraySpecification == "1-6")
        #expect(!plain.script.contains("--partition") && !plain.script.contains("--time") && !plain.script.contains("--mem"))
    }

    /// `#wait` splits a list into phases; a phase's job lists only its runs and waits for the previous job.
    @Test func phasesBecomeDependentJobs() throws {
        let list = try RunList(text: "orl morec learn-reward --out r/a\n#wait\n# comment\norl train --out d/x-seed1\norl train --out d/x-seed2",
                               path: "l")
        #expect(list.runs.map(\.phase) == [0, 1, 1])
        var second = SlurmJob(name: "m-phase2", list: list, phase: 1, directory: "/s", executable: "orl", workingDirectory: "/r",
                              options: SlurmOptions()) { _ in false }
        second.dependency = "77"
        #expect(second.indices == [2, 3])
        #expect(second.script.contains("#SBATCH --array=2-3\n") && second.script.contains("#SBATCH --dependency=afterany:77\n"))
        let first = SlurmJob(name: "m-phase1", list: list, phase: 0, directory: "/s", executable: "orl", workingDirectory: "/r",
                             options: SlurmOptions()) { _ in false }
        #expect(first.indices == [1] && !first.script.contains("--dependency"))
    }

    @Test func submissionReadsTheJobIDOrNamesTheFailure() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let job = SlurmJob(name: "x", list: Self.list, directory: dir.path("slurm"), executable: "orl", workingDirectory: dir.path(""),
                           options: SlurmOptions()) { _ in false }
        let ok = RecordingRunner(answer: (0, "4242;cluster\n"))
        #expect(try job.submit(with: ok) == "4242")
        #expect(ok.calls == [["sbatch", "--parsable", job.scriptPath]])
        #expect(FileManager.default.fileExists(atPath: job.scriptPath))
        let refused = RecordingRunner(answer: (1, "sbatch: error: invalid partition\n"))
        #expect(throws: SlurmError.submissionFailed(script: job.scriptPath, status: 1, output: "sbatch: error: invalid partition\n")) {
            _ = try job.submit(with: refused)
        }
    }

    @Test func queueStateParsesArrayTasks() {
        let states = SlurmQueueState.parse("orl-x|17_3|RUNNING\norl-x|17_4|PENDING\nother|18|RUNNING\n")
        #expect(states == [.init(jobName: "orl-x", index: 3): "17_3 RUNNING", .init(jobName: "orl-x", index: 4): "17_4 PENDING"])
    }

    @Test func arrayTaskRequeuesAStoppedRunAndOnlyThen() throws {
        struct Launcher: RunLauncher {
            var status: Int32
            func launch(arguments: [String], stdout: String, stderr: String) throws -> Int32 { status }
        }
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let list = try RunList(text: "orl train --out \(dir.path("d/a-seed1"))\norl train --out \(dir.path("d/a-seed2"))", path: "l")
        #expect(throws: SlurmError.noSuchTask(index: 3, runs: 2, list: "l")) { _ = try SlurmArrayTask(list: list, index: 3) }
        for (status, outcome, requeued) in [(Int32(75), RunQueue.Outcome.stopped, true), (0, .finished, false)] {
            let runner = RecordingRunner(answer: (0, ""))
            let queue = RunQueue(launcher: Launcher(status: status), archive: nil) { _ in }
            let result = try SlurmArrayTask(list: list, index: 2).run(queue: queue, runner: runner, task: "9_2")
            #expect(result == outcome)
            #expect(runner.calls == (requeued ? [["scontrol", "requeue", "9_2"]] : []))
        }
        // A failed run leaves the marker --status reports, and the task fails.
        let queue = RunQueue(launcher: Launcher(status: 1), archive: nil) { _ in }
        let failed = try SlurmArrayTask(list: list, index: 1).run(queue: queue, runner: RecordingRunner(answer: (0, "")), task: "9_1")
        #expect(failed == .failed("exit 1; see its stderr.log"))
        #expect(RunLineState(of: dir.path("d/a-seed1"), records: nil) == .failed)
        #expect(RunLineState(of: dir.path("d/a-seed9"), records: nil) == .notStarted)
        // Killed by a signal (128 + 15): not marked failed.
        let killedQueue = RunQueue(launcher: Launcher(status: 143), archive: nil) { _ in }
        _ = try SlurmArrayTask(list: list, index: 2).run(queue: killedQueue, runner: RecordingRunner(answer: (0, "")), task: nil)
        #expect(RunLineState(of: dir.path("d/a-seed2"), records: nil) != .failed)
        FileManager.default.createFile(atPath: dir.path("d/a-seed1/checkpoint.h5"), contents: Data())
        let held = FileLock.run(dir.path("d/a-seed1"))
        #expect(held != nil)
        #expect(RunLineState(of: dir.path("d/a-seed1"), records: nil) == .running)
        withExtendedLifetime(held) {}
    }
}
