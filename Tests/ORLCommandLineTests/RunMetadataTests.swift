import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import OfflineRL

/// A run's `metadata.json` names the build that made it by the executable's SHA-256, which the
/// checkout's git revision cannot do for a binary copied aside while the checkout moves on.
@Suite("Run metadata")
struct RunMetadataTests {
    @Test func aRunRecordsTheSHA256OfTheExecutableThatMadeIt() throws {
        let executable = try #require(ORLProcess.executable, "\(ORLProcessError.missingExecutable)")
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 30)
        let run = dir.path("run"), log = dir.url.appendingPathComponent("orl.log")
        let outcome = try ORLProcess.launch(["train", "--algo", "td3bc", "--dataset", data, "--preset", "short", "--steps", "20",
                                             "--evaluation-interval", "20", "--evaluation-episodes", "1",
                                             "--config", try KillResumeTests.tinyConfig(in: dir), "--out", run],
                                            runDirectory: run, killAt: nil, log: log)
        try #require(outcome.status == 0, "\(KillResumeTests.text(log))")
        let metadata = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: run + "/metadata.json")))
        #expect(metadata.executableSHA256 == (try SHA256Checksum.hexDigest(ofFileAt: executable.path)))
        #expect(metadata.executableSHA256?.count == 64)
    }

    /// A queue starts its runs as `/proc/self/exe`; the record names the file instead.
    @Test func theCommandNamesTheExecutableRatherThanProcSelfExe() throws {
        let command = RunMetadata.readableCommand(["/proc/self/exe", "train", "--seed", "1"])
        #expect(command.first == (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")))
        #expect(command.first != "/proc/self/exe" && command.dropFirst() == ["train", "--seed", "1"])
        #expect(RunMetadata.readableCommand(["/work/bin/orl", "train"]) == ["/work/bin/orl", "train"])
    }
}
