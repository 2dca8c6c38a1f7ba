import Foundation
import Testing
import TestSupport
import PolicyLearning
import ExperimentRunner

/// A launcher that records what it was asked to run and plays a script: per run directory, the
/// files the "run" leaves and its exit status.
final class ScriptedLauncher: RunLauncher {
    struct Step { var files: [String]; var status: Int32 }
    var script: [String: Step] = [:]
    var launched: [[String]] = []
    var failToStart: Set<String> = []

    func launch(arguments: [String], stdout: String, stderr: String) throws -> Int32 {
        launched.append(arguments)
        let directory = arguments[arguments.firstIndex(of: "--out")! + 1]
        if failToStart.contains(directory) { throw RunListError.unreadable(path: directory) }
        let step = script[directory] ?? Step(files: ["final.h5"], status: 0)
        for file in step.files { _ = FileManager.default.createFile(atPath: directory + "/" + file, contents: Data("x".utf8)) }
        try Data("step,wall_seconds\n100,1.5\n".utf8).write(to: URL(fileURLWithPath: directory + "/progress.csv"))
        return step.status
    }
}

@Suite("The run queue behind orl reproduce", .serialized)
struct RunQueueTests {
    /// Finished runs are skipped, a resumable one gets one --resume, a failed line does not stop
    /// the queue, a run held by another queue is skipped as busy, and finished runs are archived.
    @Test func queueSemantics() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let runs = dir.path("runs")
        let records = dir.path("records")
        func line(_ name: String, _ extra: String = "") -> String { "orl train --algo mopo \(extra)--out \(runs)/ds/\(name)" }
        let list = try RunList(text: [line("done"), line("killed"), line("again", "--resume "), line("broken"), line("absent"),
                                      line("busy"), line("fresh")].joined(separator: "\n"), path: "test.txt")
        let fm = FileManager.default
        for name in ["done", "killed", "again", "busy"] { try fm.createDirectory(atPath: "\(runs)/ds/\(name)", withIntermediateDirectories: true) }
        _ = fm.createFile(atPath: "\(runs)/ds/done/final.h5", contents: Data())
        _ = fm.createFile(atPath: "\(runs)/ds/killed/checkpoint.h5", contents: Data())
        _ = fm.createFile(atPath: "\(runs)/ds/again/checkpoint.h5", contents: Data())
        var held: FileLock? = FileLock.run("\(runs)/ds/busy")   // another queue runs it
        try #require(held != nil)

        let launcher = ScriptedLauncher()
        launcher.script["\(runs)/ds/broken"] = .init(files: [], status: 3)
        launcher.failToStart = ["\(runs)/ds/absent"]
        var lines: [String] = []
        var queue = RunQueue(launcher: launcher, archive: RunArchive(records: records)) { lines.append($0) }
        queue.records = records
        let outcomes = queue.run([list])
        #expect(held != nil)

        #expect(outcomes.count == 7)
        #expect(outcomes[0] == .skipped(.finished))
        #expect(outcomes[1] == .finished && outcomes[2] == .finished && outcomes[6] == .finished)
        if case .failed = outcomes[3] {} else { Issue.record("the broken run should fail, got \(outcomes[3])") }
        if case .failed = outcomes[4] {} else { Issue.record("the unstartable run should fail, got \(outcomes[4])") }
        #expect(outcomes[5] == .busy)
        let arguments = launcher.launched.map { $0.joined(separator: " ") }
        #expect(arguments.count == 5)                                          // not done, not busy
        #expect(arguments[0].hasSuffix("killed --resume"))                     // resumable → --resume appended
        #expect(arguments[1].hasSuffix("again") && arguments[1].components(separatedBy: "--resume").count == 2)   // once
        #expect(!arguments[4].contains("--resume"))                            // a new run starts afresh
        #expect(lines.contains { $0.hasPrefix("FAILED") && $0.contains("exit 3") && $0.contains("test.txt:4") })
        // Each run that ends is said to have finished (with its time here), as is the one skipped.
        let finishedLines = lines.filter { $0.hasPrefix("finished") }
        #expect(finishedLines.count == 4 && finishedLines.filter { $0.hasSuffix("(this process: 0 min)") }.count == 3)

        // The finished runs' records are archived with the marker; failed and busy ones are not.
        for name in ["killed", "again", "fresh"] {
            let marker = try JSONDecoder().decode(RunArchive.Marker.self,
                                                  from: Data(contentsOf: URL(fileURLWithPath: "\(records)/ds/\(name)/finished.json")))
            #expect(marker.step == "100" && marker.wallSeconds == "1.5" && marker.source.hasSuffix(name))
        }
        #expect(!fm.fileExists(atPath: "\(records)/ds/broken") && !fm.fileExists(atPath: "\(records)/ds/busy"))

        // A second pass, once the other queue let go, runs only what is not finished; a dry run runs nothing.
        held = nil
        let second = RunQueue(launcher: launcher, archive: nil) { _ in }
        _ = second.run([list])
        #expect(launcher.launched.count == 5 + 3)                              // broken, absent and the released busy one
        var dry = RunQueue(launcher: launcher, archive: nil) { _ in }
        dry.dryRun = true
        #expect(dry.run([list]).allSatisfy { if case .skipped = $0 { return true } else { return false } })
        #expect(launcher.launched.count == 8)
    }

    /// A stop requested of the queue (SIGUSR1) reaches its run, which checkpoints and exits 75; the
    /// queue then starts no further run, so all finished work is kept and nothing new is begun.
    @Test func aStopRequestEndsTheQueueAfterItsRun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup(); StopRequest.clear() }
        let runs = dir.path("runs")
        let list = try RunList(text: ["first", "second"].map { "orl train --algo mopo --out \(runs)/ds/\($0)" }.joined(separator: "\n"),
                               path: "test.txt")
        final class StoppingLauncher: RunLauncher {
            var launched: [String] = []
            func launch(arguments: [String], stdout: String, stderr: String) throws -> Int32 {
                launched.append(arguments.last!)
                StopRequest.request()               // the signal arrives while the run trains
                return StopRequest.exitStatus       // the run checkpointed and stopped
            }
        }
        let launcher = StoppingLauncher()
        let outcomes = RunQueue(launcher: launcher, archive: nil) { _ in }.run([list])
        #expect(outcomes == [.stopped])
        #expect(launcher.launched == ["\(runs)/ds/first"])
    }
}
