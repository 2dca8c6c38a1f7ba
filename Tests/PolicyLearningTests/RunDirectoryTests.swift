import Foundation
import Synchronization
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning

/// A point-mass dataset in `dir`, a run directory beside it, and a tiny MOPO configuration of 100 updates.
private func pointMassRun(in dir: TemporaryDirectory) throws -> (data: String, run: URL, config: OfflineTrainingConfiguration) {
    let data = dir.path("pointmass.hdf5")
    try OfflineFixtures.writePointMassDataset(to: data, episodes: 5)
    return (data, dir.url.appendingPathComponent("run"), OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 100))
}

@Suite("A run directory: one owner, the configuration recorded before any work, atomic logs", .serialized)
struct RunDirectoryTests {
    /// A second trainer on a directory another one owns is refused, naming the holder's PID;
    /// once the first is gone the lock is free again, and stale temporaries are removed.
    @Test func oneOwnerPerRunDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (_, run, config) = try pointMassRun(in: dir)
        do {
            let first = try OfflineTrainer(configuration: config, directory: run, resume: false)
            #expect(throws: RunDirectoryError.busy(directory: run.path, holder: getpid())) {
                _ = try OfflineTrainer(configuration: config, directory: run, resume: true)
            }
            try first.run(stopAfter: 50)
        }
        let stale = ["checkpoint.h5.tmp-99999999", "checkpoint.h5.tmp-99999999-7"].map { run.appendingPathComponent($0).path }
        for file in stale { _ = FileManager.default.createFile(atPath: file, contents: Data("torn".utf8)) }
        let second = try OfflineTrainer(configuration: config, directory: run, resume: true)
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        try second.run()
        #expect(second.isFinished)
    }

    /// The configuration is written before the dynamics fit, so a resume with another dataset
    /// seed or setting is refused even when no checkpoint exists yet.
    @Test func resumeBeforeTheFirstCheckpointComparesTheConfiguration() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (_, run, tiny) = try pointMassRun(in: dir)
        var config = tiny
        _ = try OfflineTrainer(configuration: config, directory: run, resume: false)   // fitted, no checkpoint yet
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.h5").path))
        config.seed += 1
        do {
            _ = try OfflineTrainer(configuration: config, directory: run, resume: true)
            Issue.record("a resume with another seed was accepted")
        } catch let error as OfflineTrainingError {
            #expect("\(error)".contains("changed: seed"))
        }
        config.seed -= 1
        config.totalSteps = 200                                            // may change
        do {
            let resumed = try OfflineTrainer(configuration: config, directory: run, resume: true)
            #expect(resumed.step == 0 && resumed.dynamicsFit == nil)
            try resumed.run()
        }
        // A run cannot be shortened below the step it reached.
        config.totalSteps = 100
        #expect(throws: OfflineTrainingError.self) { _ = try OfflineTrainer(configuration: config, directory: run, resume: true) }
    }

    /// Reopening a log keeps the rows up to the resume point and never leaves it missing.
    @Test func logsAreRewrittenAtomically() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try TrainingLog(directory: dir.url, keepThroughStep: nil)
        for step in [100.0, 200, 300] { try log.append(["step": step, "return_mean": step / 10]) }
        let reopened = try TrainingLog(directory: dir.url, keepThroughStep: 200)
        #expect(try reopened.rows().map { $0["step"] } == [100, 200])
        let csv = try String(contentsOf: dir.url.appendingPathComponent("progress.csv"), encoding: .utf8)
        #expect(csv == "step,return_mean\n100,10\n200,20\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    /// Threads of one process writing the same file each use a temporary of their own: the file
    /// ends whole (one writer's bytes) and no write fails. With one temporary per process (`.tmp-PID`)
    /// a writer deleted or renamed another's half-written temporary.
    @Test func threadsWritingOneFileDoNotShareATemporary() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("shared.bin")
        let payloads = (0..<2).map { writer in Data(repeating: UInt8(writer + 1), count: 1 << 16) }
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for _ in 0..<200 {
                do { try AtomicFile.write(payloads[writer], to: path) } catch { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(payloads.contains(written))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}

@Suite("Reproducible run files")
struct ReproducibleFilesTests {
    /// Two identical runs write byte-identical models, checkpoints, agents and configuration, so a
    /// reproduction can be checked with a checksum.
    @Test func identicalRunsWriteIdenticalFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 5)
        let config = OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: 200)
        for name in ["a", "b"] {
            try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent(name), resume: false).run()
        }
        for file in ["config.json", "dynamics.h5", "dynamics.json", "checkpoint.h5", "final.h5"] {
            let a = try Data(contentsOf: dir.url.appendingPathComponent("a/\(file)"))
            let b = try Data(contentsOf: dir.url.appendingPathComponent("b/\(file)"))
            #expect(!a.isEmpty && a == b, "\(file) differs between two identical runs")
        }
        let timing = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: dir.url.appendingPathComponent("a/timing.json")))
        #expect(timing["dynamics_fit_seconds"] != nil && timing["checkpoint_step"] == 200)
    }
}

@Suite("A run records its dataset's identity")
struct DatasetIdentityRecordTests {
    /// A resume on a dataset whose content changed is refused, before the first checkpoint too.
    @Test func aChangedDatasetIsRefusedOnResume() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (data, run, config) = try pointMassRun(in: dir)
        _ = try OfflineTrainer(configuration: config, directory: run, resume: false)
        let recorded = try JSONDecoder().decode(DatasetIdentity.self, from: Data(contentsOf: run.appendingPathComponent("dataset.json")))
        #expect(recorded.sha256 == (try DatasetIdentity(path: data)).sha256)
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 5, seed: 99)      // other content, same name
        do {
            _ = try OfflineTrainer(configuration: config, directory: run, resume: true)
            Issue.record("a resume on changed data was accepted")
        } catch let error as OfflineTrainingError {
            #expect("\(error)".contains("its content changed"))
        }
    }
}
