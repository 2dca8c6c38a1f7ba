import Foundation
import Testing
import TestSupport
import OfflineTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Stopping `orl reproduce` stops the run it is running: a SIGTERM is passed on to the run (the
/// queue then ends by the same signal), and a run whose queue was SIGKILLed checkpoints and exits
/// by itself. Before, both left the run training on, orphaned.
@Suite("Signals to orl reproduce reach its run", .serialized)
struct QueueSignalTests {
    /// A queue of one long tiny run, started in `dir` and waited on until the run is training.
    struct Queue {
        let process: Process
        let run: String
        let log: URL

        init(in dir: TemporaryDirectory) throws {
            guard let executable = ORLProcess.executable else { throw ORLProcessError.missingExecutable }
            let data = dir.path("pointmass.hdf5")
            try OfflineFixtures.writePointMassDataset(to: data, episodes: 30)
            try FileManager.default.createDirectory(atPath: dir.path("Experiments"), withIntermediateDirectories: true)
            run = dir.path("Experiments/runs/long-run")
            let line = ["orl", "train", "--algo", "mopo", "--dataset", data, "--preset", "short", "--steps", "1000000", "--seed", "3",
                        "--evaluation-interval", "50", "--evaluation-episodes", "2", "--rollout-batch-size", "50",
                        "--config", try KillResumeTests.tinyConfig(in: dir), "--out", run].joined(separator: " ")
            let list = dir.path("list.txt")
            try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: list))
            log = dir.url.appendingPathComponent("queue.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            process = Process()
            process.executableURL = executable
            process.arguments = ["reproduce", "--no-table", "--no-archive", list]
            process.currentDirectoryURL = dir.url
            process.standardOutput = output
            process.standardError = output
            try process.run()
            try output.close()
            let started = ORLProcess.waitUntil(seconds: 120) { FileManager.default.fileExists(atPath: run + "/progress.jsonl") }
            try #require(started, "the run never got to its first evaluation: \(KillResumeTests.text(log)) \(KillResumeTests.text(URL(fileURLWithPath: run + "/stderr.log")))")
        }

        /// The process training the run (`orl train … --out RUN`), found by its command line.
        var trainer: Int32? {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(Int32.init).first { pid in
                guard pid != process.processIdentifier,
                      let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
                let words = line.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                return words.contains("train") && words.contains(run)
            }
        }
    }

    /// Whether process `pid` has ended (gone, or a zombie nobody has reaped yet).
    static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    /// Runs `body` with a queue whose run is training and that run's process, then kills whichever
    /// of the two still runs, so a failing test leaves nothing behind.
    static func withTrainingQueue(_ body: (Queue, Int32) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let queue = try Queue(in: dir)
        defer { if queue.process.isRunning { kill(queue.process.processIdentifier, SIGKILL) } }
        let trainer = try #require(queue.trainer, "no `orl train` process for \(queue.run)")
        defer { if !hasEnded(trainer) { kill(trainer, SIGKILL) } }
        try body(queue, trainer)
    }

    @Test func sigtermToTheQueueEndsItsRunAndThenTheQueue() throws {
        try Self.withTrainingQueue { queue, trainer in
            kill(queue.process.processIdentifier, SIGTERM)
            let queueEnded = ORLProcess.waitUntil(seconds: 30) { !queue.process.isRunning }
            try #require(queueEnded, "the queue did not end: \(KillResumeTests.text(queue.log))")
            #expect(queue.process.terminationReason == .uncaughtSignal && queue.process.terminationStatus == SIGTERM,
                    "the queue should end by SIGTERM, got \(queue.process.terminationReason) \(queue.process.terminationStatus)")
            #expect(ORLProcess.waitUntil(seconds: 10) { Self.hasEnded(trainer) }, "the run trains on after its queue was stopped")
        }
    }

    /// SIGUSR1 to the queue: its run checkpoints after its current update and stops, and the queue
    /// ends with status 75 (no further run starts: `RunQueueTests`).
    @Test func sigusr1ToTheQueueCheckpointsItsRunAndEndsTheQueue() throws {
        try Self.withTrainingQueue { queue, trainer in
            kill(queue.process.processIdentifier, SIGUSR1)
            let queueEnded = ORLProcess.waitUntil(seconds: 60) { !queue.process.isRunning }
            try #require(queueEnded, "the queue did not end: \(KillResumeTests.text(queue.log))")
            #expect(queue.process.terminationReason == .exit && queue.process.terminationStatus == 75,
                    "the queue should exit 75, got \(queue.process.terminationReason) \(queue.process.terminationStatus)")
            #expect(Self.hasEnded(trainer), "the run trains on after its queue stopped")
            #expect(FileManager.default.fileExists(atPath: queue.run + "/checkpoint.h5"), "the stopped run left no checkpoint")
            let log = KillResumeTests.text(queue.log)
            #expect(log.contains("stopped on request"), "\(log)")
        }
    }

    @Test func aRunWhoseQueueIsKilledCheckpointsAndStops() throws {
        try Self.withTrainingQueue { queue, trainer in
            kill(queue.process.processIdentifier, SIGKILL)
            queue.process.waitUntilExit()
            #expect(ORLProcess.waitUntil(seconds: 60) { Self.hasEnded(trainer) }, "the orphaned run trains on")
            let stderr = KillResumeTests.text(URL(fileURLWithPath: queue.run + "/stderr.log"))
            #expect(stderr.contains("has ended; stopping at the next checkpoint"), "\(stderr)")
            #expect(FileManager.default.fileExists(atPath: queue.run + "/checkpoint.h5"), "the stopped run left no checkpoint")
        }
    }
}
