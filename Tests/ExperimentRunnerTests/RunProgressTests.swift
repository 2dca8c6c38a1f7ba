import Foundation
import Testing
import TestSupport
import ExperimentRunner

@Suite("Run progress for --status")
struct RunProgressTests {
    @Test func readsTheLastEvaluationAndTheBudget() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let run = dir.path("run")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        #expect(RunProgress(directory: run) == nil)     // before the first evaluation

        try "step,normalized_score,return_mean\n2500,3.25,90\n12500,4.56,129.6\n"
            .write(toFile: run + "/progress.csv", atomically: true, encoding: .utf8)
        #expect(RunProgress(directory: run) == RunProgress(evaluatedStep: 12_500, totalSteps: nil, normalizedScore: 4.56))
        #expect(RunProgress(directory: run)?.summary == "evaluated at 12,500 updates, score 4.6")

        try #"{"algorithm": "edac", "totalSteps": 1000000}"#.write(toFile: run + "/config.json", atomically: true, encoding: .utf8)
        #expect(RunProgress(directory: run)?.summary == "evaluated at 12,500 of 1,000,000 updates (1%), score 4.6")

        // The checkpoint's step (timing.json) once a checkpoint exists.
        try #"{"checkpoint_step": 10000, "wall_seconds_at_checkpoint": 5.5}"#.write(toFile: run + "/timing.json", atomically: true, encoding: .utf8)
        #expect(RunProgress(directory: run)?.checkpointStep == nil)
        try Data().write(to: URL(fileURLWithPath: run + "/checkpoint.h5"))
        #expect(RunProgress(directory: run)?.summary == "evaluated at 12,500 of 1,000,000 updates (1%), score 4.6; checkpoint at 10,000")

        // A log that does not parse leaves the status line as it was, rather than failing --status.
        try "step,normalized_score\n2500\n".write(toFile: run + "/progress.csv", atomically: true, encoding: .utf8)
        #expect(RunProgress(directory: run) == nil)
    }
}
