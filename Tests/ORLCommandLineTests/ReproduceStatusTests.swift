import Foundation
import Testing
import TestSupport

/// `orl reproduce NAME --status` on a machine without a Slurm cluster: each unfinished run's last
/// evaluation beside its state, and no `squeue` complaints (a `squeue` that fails means "no
/// cluster", not an error to show).
@Suite("orl reproduce --status")
struct ReproduceStatusTests {
    @Test func showsProgressAndStaysQuietWithoutACluster() throws {
        let orl = try #require(ORLProcess.executable, "build orl first").path
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let repository = dir.path("repository"), run = "\(repository)/Experiments/runs/d/mopo-seed1"
        try FileManager.default.createDirectory(atPath: "\(repository)/Experiments/tiny", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try "orl train --algo mopo --seed 1 --out Experiments/runs/d/mopo-seed1\norl train --algo mopo --seed 2 --out Experiments/runs/d/mopo-seed2\n"
            .write(toFile: "\(repository)/Experiments/tiny/runs.txt", atomically: true, encoding: .utf8)
        try "step,normalized_score\n2500,12.2\n".write(toFile: run + "/progress.csv", atomically: true, encoding: .utf8)
        try #"{"totalSteps": 50000}"#.write(toFile: run + "/config.json", atomically: true, encoding: .utf8)

        // A squeue that fails loudly, as Debian's does where no cluster is configured.
        let bin = dir.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho 'squeue: fatal: Could not establish a configuration source' >&2\nexit 1\n"
            .write(toFile: bin + "/squeue", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/squeue")
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

        let reply = try SlurmClusterTests.shell(["PATH=\(path)", orl, "reproduce", "tiny", "--status"], in: repository)
        #expect(reply.status == 0, "\(reply.output)")
        #expect(reply.output.contains("Experiments/runs/d/mopo-seed1 — evaluated at 2,500 of 50,000 updates (5%), score 12.2"), "\(reply.output)")
        #expect(reply.output.contains("not started  Experiments/runs/d/mopo-seed2\n"), "\(reply.output)")
        #expect(!reply.output.contains("squeue"), "\(reply.output)")
    }
}
