import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import PolicyLearning
import DynamicsModels

/// A stop requested while training (what `SIGUSR1` from Slurm's `--signal` does) ends the dynamics
/// fit after its current epoch and the SAC phase after its current update (at its next evaluation
/// when rollout observers gather per-window state), each with its state written; resuming from
/// there ends bit for bit equal to an uninterrupted run.
@Suite("Stop on request: checkpoint, exact resume", .serialized)
struct StopRequestTests {
    /// A tiny MOPO configuration on a point-mass dataset written into `dir`.
    static func pointMassMOPO(in dir: TemporaryDirectory, steps: Int) throws -> OfflineTrainingConfiguration {
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data)
        return OfflineConfigurations.tinyConfiguration(algorithm: "mopo", dataset: data, steps: steps)
    }

    @Test func stoppedRunsResumeToTheUninterruptedResult() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup(); StopRequest.clear() }
        let config = try Self.pointMassMOPO(in: dir, steps: 500)
        let full = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("full"), resume: false)
        try full.run()

        let stopped = dir.url.appendingPathComponent("stopped")
        // Requested before the fit: it stops after its first epoch, its state saved.
        StopRequest.request()
        #expect(throws: DynamicsModelError.stopRequested(epoch: 1)) {
            _ = try OfflineTrainer(configuration: config, directory: stopped, resume: false)
        }
        #expect(FileManager.default.fileExists(atPath: stopped.appendingPathComponent("dynamics-fit.h5").path))
        StopRequest.clear()
        var trainer: OfflineTrainer? = try OfflineTrainer(configuration: config, directory: stopped, resume: true)
        // Requested mid-phase (evaluations every 100 updates, checkpoints every 200): it stops after
        // its next update, the window's metric sums in the checkpoint (the row at 100 must average
        // all 100 updates, not the 99 after the stop).
        StopRequest.request()
        #expect(throws: OfflineTrainingError.stopRequested(step: 1)) { try trainer!.run() }
        #expect(trainer!.step == 1)
        trainer = nil
        StopRequest.clear()
        trainer = try OfflineTrainer(configuration: config, directory: stopped, resume: true)
        #expect(trainer!.step == 1)
        // With a rollout observer (per-window state, as MOREC's diagnostics) it trains on to the evaluation at 100.
        trainer!.rolloutObservers.append(StepCounter())
        StopRequest.request()
        #expect(throws: OfflineTrainingError.stopRequested(step: 100)) { try trainer!.run() }
        trainer = nil
        StopRequest.clear()
        let resumed = try OfflineTrainer(configuration: config, directory: stopped, resume: true)
        #expect(resumed.step == 100)
        try resumed.run()

        #expect(resumed.agent.actor.parameterValues() == full.agent.actor.parameterValues())
        #expect(resumed.agent.critics.parameterValues() == full.agent.critics.parameterValues())
        #expect(resumed.evaluations == full.evaluations)
        let strip = { (row: [String: Double]) in row.filter { $0.key != "wall_seconds" } }
        let a = try TrainingLog.readRows(directory: stopped).map(strip)
        let b = try TrainingLog.readRows(directory: dir.url.appendingPathComponent("full")).map(strip)
        #expect(a.count == 5 && a == b)
    }

    /// A run waiting for another run's fit of a shared dynamics cache stops when asked, instead of
    /// waiting on (a queue stopped meanwhile would otherwise wait for the whole fit); resumed, it
    /// waits for the lock again and goes on.
    @Test func runWaitingForASharedFitStops() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup(); StopRequest.clear() }
        let config = try Self.pointMassMOPO(in: dir, steps: 100)
        let cache = dir.path("cache/dynamics.h5")
        try FileManager.default.createDirectory(atPath: dir.path("cache"), withIntermediateDirectories: true)
        // Another run fits the cache for 5 s (a wait that ignored the request would end then, and fit).
        let taken = DispatchSemaphore(value: 0)
        let fitting = Thread {
            let lock = FileLock(path: cache + ".lock")
            taken.signal()
            usleep(5_000_000)
            withExtendedLifetime(lock) {}
        }
        fitting.start()
        taken.wait()

        let asked = Thread { usleep(300_000); StopRequest.request() }
        asked.start()
        let run = dir.url.appendingPathComponent("run")
        #expect(throws: OfflineTrainingError.stopRequested(step: 0)) {
            _ = try OfflineTrainer(configuration: config, directory: run, resume: false, dynamicsCache: cache)
        }
        #expect("\(OfflineTrainingError.stopRequested(step: 0))".contains("before training began"))
        StopRequest.clear()
        let resumed = try OfflineTrainer(configuration: config, directory: run, resume: true, dynamicsCache: cache)
        #expect(resumed.dynamicsFit != nil && FileManager.default.fileExists(atPath: cache))   // the other run wrote nothing: fitted here
    }
}
