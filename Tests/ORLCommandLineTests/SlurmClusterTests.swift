import Foundation
import Testing
import TestSupport
import OfflineTestSupport

/// `orl reproduce --slurm` on a real single-node Slurm cluster (`scripts/slurm-cluster`, Debian's
/// slurm-wlm and munge): a three-run job array runs to the end and archives its records; a task
/// cancelled mid-run (`scancel`) and resubmitted resumes from its checkpoint; a task signalled as
/// at a time limit (`SIGUSR1` to the batch step, what `--signal=B:USR1@S` sends) checkpoints,
/// requeues itself and resumes. Both end bit for bit equal to an uninterrupted run. The test starts
/// the cluster and stops it; when Slurm cannot start, it fails with the reason.
@Suite("orl reproduce --slurm on a single-node cluster", .serialized)
struct SlurmClusterTests {
    /// Runs a command in `directory`, returning its status and output.
    @discardableResult
    static func shell(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Whether job `id` still has tasks in the queue.
    static func queued(_ id: String) -> Bool {
        guard let reply = try? shell(["squeue", "--noheader", "--array", "--jobs", id]), reply.status == 0 else { return true }
        return !reply.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// The job id `orl reproduce --slurm` printed.
    static func jobID(_ output: String) -> String? {
        guard let range = output.range(of: "submitted job ") else { return nil }
        return String(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// A run line of the tiny experiment.
    static func line(data: String, config: String, out: String, steps: Int) -> String {
        "orl train --algo mopo --dataset \(data) --preset short --steps \(steps) --seed 3 --evaluation-interval 100 "
            + "--evaluation-episodes 2 --rollout-batch-size 50 --config \(config) --out \(out)"
    }

    @Test func jobArraysRunResumeAfterCancelAndRequeueOnTheTimeLimitSignal() throws {
        let root = Python.repositoryRoot.path
        let started = try Self.shell(["bash", "\(root)/scripts/slurm-cluster", "start"])
        try #require(started.status == 0, "the single-node Slurm cluster did not start: \(started.output)")
        defer { _ = try? Self.shell(["bash", "\(root)/scripts/slurm-cluster", "stop"]) }
        let orl = try #require(ORLProcess.executable, "build orl first").path

        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let repository = dir.path("repository")
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 30)
        let config = try KillResumeTests.tinyConfig(in: dir)
        func experiment(_ name: String, _ lines: [String]) throws {
            try FileManager.default.createDirectory(atPath: "\(repository)/Experiments/\(name)", withIntermediateDirectories: true)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(repository)/Experiments/\(name)/runs.txt"))
        }
        func run(_ name: String) -> String { "\(repository)/Experiments/runs/tiny/\(name)" }
        func submit(_ name: String) throws -> String {
            let submitted = try Self.shell([orl, "reproduce", name, "--slurm", "--max-concurrent", "2"], in: repository)
            return try #require(Self.jobID(submitted.output), "no job id: \(submitted.output)")
        }

        // 1. Three runs as one array; all finish and are archived.
        try experiment("tiny", (1...3).map { Self.line(data: data, config: config, out: run("mopo-seed\($0)"), steps: 300 + 100 * $0) })
        let job = try submit("tiny")
        #expect(ORLProcess.waitUntil(seconds: 240) { !(Self.queued(job)) }, "job \(job) still queued")
        for seed in 1...3 {
            #expect(FileManager.default.fileExists(atPath: run("mopo-seed\(seed)") + "/final.h5"),
                    "run \(seed) did not finish: \((try? String(contentsOfFile: run("mopo-seed\(seed)") + "/stderr.log", encoding: .utf8)) ?? "")")
            #expect(FileManager.default.fileExists(atPath: "\(repository)/Experiments/run-records/tiny/mopo-seed\(seed)/finished.json"))
        }
        let status = try Self.shell([orl, "reproduce", "tiny", "--status"], in: repository).output
        #expect(status.components(separatedBy: "finished").count - 1 == 3, "\(status)")

        // 2. A long run cancelled after its first checkpoint, resubmitted: it resumes and equals the uninterrupted one.
        let long = 3000
        try experiment("reference", [Self.line(data: data, config: config, out: run("reference-seed1"), steps: long)])
        let reference = try submit("reference")
        try experiment("cancelled", [Self.line(data: data, config: config, out: run("cancelled-seed1"), steps: long)])
        let cancelled = try submit("cancelled")
        #expect(ORLProcess.waitUntil(seconds: 120) { FileManager.default.fileExists(atPath: run("cancelled-seed1") + "/checkpoint.h5") })
        try Self.shell(["scancel", "\(cancelled)_1"])
        #expect(ORLProcess.waitUntil(seconds: 60) { !(Self.queued(cancelled)) })
        try #require(!FileManager.default.fileExists(atPath: run("cancelled-seed1") + "/final.h5"), "the run finished before the cancel")
        let again = try Self.shell([orl, "reproduce", "cancelled", "--status"], in: repository).output
        #expect(again.contains("resumable"), "\(again)")
        let resubmitted = try submit("cancelled")
        #expect(ORLProcess.waitUntil(seconds: 240) { !(Self.queued(resubmitted)) && !(Self.queued(reference)) })
        let resumedLog = (try? String(contentsOfFile: run("cancelled-seed1") + "/stdout.log", encoding: .utf8)) ?? ""
        #expect(resumedLog.contains("resuming at step"), "\(resumedLog)")
        try KillResumeTests.expectSameRun(run("cancelled-seed1"), run("reference-seed1"), files: ["final.h5", "dynamics.h5"])

        // 3. The time-limit signal: checkpoint after the current update, requeue, resume, equal.
        try experiment("signalled", [Self.line(data: data, config: config, out: run("signalled-seed1"), steps: long)])
        let signalled = try submit("signalled")
        #expect(ORLProcess.waitUntil(seconds: 120) { FileManager.default.fileExists(atPath: run("signalled-seed1") + "/checkpoint.h5") })
        try Self.shell(["scancel", "--signal=USR1", "--batch", "\(signalled)_1"])
        let stopped = ORLProcess.waitUntil(seconds: 60) {
            ((try? String(contentsOfFile: run("signalled-seed1") + "/stderr.log", encoding: .utf8)) ?? "").contains("stopped on request")
        }
        #expect(stopped, "the run did not stop on the signal")
        // A requeued task waits (about 2 minutes) before it is eligible again; once it is pending, let it start now.
        let pending = ORLProcess.waitUntil(seconds: 60) {
            (try? Self.shell(["squeue", "--noheader", "--array", "--jobs", "\(signalled)_1", "--format=%T"]))?.output
                .trimmingCharacters(in: .whitespacesAndNewlines) == "PENDING"
        }
        #expect(pending, "the task was not requeued")
        try Self.shell(["scontrol", "update", "JobId=\(signalled)_1", "StartTime=now"])
        #expect(ORLProcess.waitUntil(seconds: 240) { FileManager.default.fileExists(atPath: run("signalled-seed1") + "/final.h5") },
                "the requeued task did not finish the run")
        let slurmLog = (try? FileManager.default.contentsOfDirectory(atPath: "\(repository)/Experiments/runs/slurm/signalled"))?
            .filter { $0.hasSuffix(".out") }.compactMap { try? String(contentsOfFile: "\(repository)/Experiments/runs/slurm/signalled/\($0)", encoding: .utf8) }
            .joined() ?? ""
        #expect(slurmLog.contains("requeue ") && slurmLog.contains("(resuming)"), "\(slurmLog)")
        try KillResumeTests.expectSameRun(run("signalled-seed1"), run("reference-seed1"), files: ["final.h5", "dynamics.h5"])
    }
}
