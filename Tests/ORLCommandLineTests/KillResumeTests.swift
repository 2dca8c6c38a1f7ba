import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import OfflineRL

/// Real kills: the built `orl` runs in a child process, is SIGKILLed at seeded moments (during the
/// dynamics fit, right after a checkpoint write, right after an evaluation, after a random delay),
/// is continued with `--resume` each time until it finishes, and must then equal an uninterrupted
/// run bit for bit: every array of `final.h5` (and of `dynamics.h5`), the whole progress log but
/// its wall-clock column, and MOREC's step log.
@Suite("Real kills: orl train and orl sac", .serialized)
struct KillResumeTests {
    /// A `--config` file with tiny networks, 100-update checkpoints and an 8-epoch dynamics fit.
    static func tinyConfig(in dir: TemporaryDirectory, rewardPath: String? = nil) throws -> String {
        let path = dir.path(rewardPath == nil ? "tiny.json" : "tiny-morec.json")
        let plugIns = rewardPath.map { #", "plugIns": {"morec": {"rewardPath": "\#($0)"}}"# } ?? ""
        try Data("""
            {"maxEpisodeSteps": 20, "stepsPerEpoch": 50, "rolloutInterval": 50, "checkpointInterval": 100,
             "sac": {"hiddenSizes": [16, 16], "batchSize": 32},
             "dynamics": {"hiddenSizes": [16, 16], "members": 3, "elites": 2, "weightDecays": [2.5e-5, 5e-5, 1e-4], "maxEpochs": 8}\(plugIns)}
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The named kill moments, then two seeded random delays.
    static func moments(seed: UInt64, offline: Bool) -> [ORLProcess.KillMoment] {
        var rng = RandomGenerator(seed: seed)
        let named: [ORLProcess.KillMoment] = offline ? [.dynamicsFit, .afterEvaluation, .afterCheckpoint, .afterEvaluation, .afterCheckpoint]
                                                     : [.afterEvaluation, .afterEvaluation, .afterEvaluation]
        return named + (0..<2).map { _ in .after(Double(rng.uniform(0.1, 0.5))) }
    }

    /// Runs `orl arguments --out out --resume`, killed at each of `moments`, then until it finishes;
    /// returns the moments at which a kill happened.
    static func runKilled(_ arguments: [String], out: String, moments: [ORLProcess.KillMoment], log: URL) throws -> [ORLProcess.KillMoment] {
        var kills: [ORLProcess.KillMoment] = []
        for moment in moments {
            let outcome = try ORLProcess.launch(arguments + ["--out", out, "--resume"], runDirectory: out, killAt: moment, log: log)
            guard let killed = outcome.killed else {
                #expect(outcome.status == 0, "\(Self.text(log))")
                return kills
            }
            kills.append(killed)
        }
        let last = try ORLProcess.launch(arguments + ["--out", out, "--resume"], runDirectory: out, killAt: nil, log: log)
        #expect(last.status == 0, "\(Self.text(log))")
        return kills
    }

    /// A child's output, for failure messages.
    static func text(_ log: URL) -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Every dataset of an HDF5 file, by key, as bit patterns (so 0 and −0, NaNs, all count).
    static func arrays(_ path: String) throws -> [String: [UInt64]] {
        let file = try HDF5File(path: path)
        var result: [String: [UInt64]] = [:]
        func walk(_ group: HDF5Group, _ prefix: String) throws {
            for name in try group.children() {
                let key = prefix.isEmpty ? name : prefix + "/" + name
                switch group.kind(of: name) {
                case .group?: try walk(try group.group(name), key)
                case .dataset?:
                    let dataset = try group.dataset(name)
                    switch dataset.elementType {
                    case .float32: result[key] = try dataset.read(Float.self).map { UInt64($0.bitPattern) }
                    case .float64: result[key] = try dataset.read(Double.self).map(\.bitPattern)
                    case .bool: result[key] = try dataset.read(Bool.self).map { $0 ? 1 : 0 }
                    case .string: result[key] = try dataset.readStrings().flatMap { canonicalJSON($0).utf8.map(UInt64.init) }
                    default: result[key] = try dataset.read(Int64.self).map { UInt64(bitPattern: $0) }
                    }
                case nil: Issue.record("\(key) is neither a group nor a dataset")
                }
            }
        }
        try walk(file.root, "")
        return result
    }

    /// A JSON text with its object keys sorted (`trainer/description` is written with unsorted
    /// keys, so its key order differs between processes), or `text` itself when it is not JSON.
    static func canonicalJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let sorted = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return text }
        return String(decoding: sorted, as: UTF8.self)
    }

    /// The progress log's rows without the wall-clock column.
    static func progressRows(_ directory: String) throws -> [[String: Double]] {
        try TrainingLog.readRows(directory: URL(fileURLWithPath: directory)).map { $0.filter { $0.key != "wall_seconds" } }
    }

    /// `killed` equals `uninterrupted`: final agent, fitted model, progress log and the named logs.
    static func expectSameRun(_ killed: String, _ uninterrupted: String, files: [String] = ["final.h5"], logs: [String] = []) throws {
        for file in files {
            let a = try arrays(killed + "/" + file), b = try arrays(uninterrupted + "/" + file)
            #expect(!a.isEmpty && a == b, "\(file): arrays differ at \(a.keys.filter { a[$0] != b[$0] }.sorted())")
        }
        let a = try progressRows(killed), b = try progressRows(uninterrupted)
        #expect(!a.isEmpty && a == b, "progress logs differ: \(a.count) vs \(b.count) rows")
        for log in logs {
            let a = try String(contentsOfFile: killed + "/" + log, encoding: .utf8)
            let b = try String(contentsOfFile: uninterrupted + "/" + log, encoding: .utf8)
            #expect(!a.isEmpty && a == b, "\(log) differs")
        }
    }

    @Test(arguments: ["mopo", "mobile", "morec-mopo"])
    func killedTrainRunEqualsAnUninterruptedOne(algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 30)
        let log = dir.url.appendingPathComponent("orl.log")
        var rewardPath: String?
        if algorithm.hasPrefix("morec-") {
            let rewardConfig = dir.path("reward.json")
            try Data(#"""
                {"discriminatorHiddenSizes": [16, 16], "generatorHiddenSizes": [16, 16], "batchSize": 64, "warmupSteps": 40,
                 "adversarialSteps": 80, "snapshotInterval": 20, "retainedSnapshots": 4, "thinning": 1, "calibrationRows": 128,
                 "logInterval": 40, "checkpointInterval": 40}
                """#.utf8).write(to: URL(fileURLWithPath: rewardConfig))
            let learned = try ORLProcess.launch(["morec", "learn-reward", "--dataset", data, "--out", dir.path("reward"), "--config", rewardConfig],
                                                runDirectory: dir.path("reward"), killAt: nil, log: log)
            #expect(learned.status == 0, "\(Self.text(log))")
            rewardPath = dir.path("reward/reward.h5")
        }
        let arguments = ["train", "--algo", algorithm, "--dataset", data, "--preset", "short", "--steps", "400", "--seed", "3",
                         "--evaluation-interval", "50", "--evaluation-episodes", "2", "--rollout-batch-size", "50",
                         "--config", try Self.tinyConfig(in: dir, rewardPath: rewardPath)]
        let uninterrupted = dir.path("uninterrupted"), killed = dir.path("killed")
        let once = try ORLProcess.launch(arguments + ["--out", uninterrupted], runDirectory: uninterrupted, killAt: nil, log: log)
        try #require(once.status == 0, "\(Self.text(log))")

        let kills = try Self.runKilled(arguments, out: killed, moments: Self.moments(seed: 17, offline: true), log: log)
        #expect(kills.count >= 5, "killed only \(kills)")
        #expect(kills.contains(.dynamicsFit) && kills.contains(.afterCheckpoint) && kills.contains(.afterEvaluation), "killed \(kills)")
        try Self.expectSameRun(killed, uninterrupted, files: ["final.h5", "dynamics.h5"],
                               logs: algorithm.hasPrefix("morec-") ? ["morec-rollout-steps.jsonl"] : [])
    }

    /// `orl sac` checkpoints every 10,000 steps (no option changes it), so kills in this short run
    /// restart it from its leftover files: the resumed run must still equal an uninterrupted one.
    @Test func killedSACRunEqualsAnUninterruptedOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = dir.url.appendingPathComponent("orl.log")
        let arguments = ["sac", "--env", "pointmass", "--steps", "1100", "--seed", "2", "--evaluation-interval", "200",
                         "--evaluation-episodes", "1"]
        let uninterrupted = dir.path("uninterrupted"), killed = dir.path("killed")
        let once = try ORLProcess.launch(arguments + ["--out", uninterrupted], runDirectory: uninterrupted, killAt: nil, log: log)
        try #require(once.status == 0, "\(Self.text(log))")
        let kills = try Self.runKilled(arguments, out: killed, moments: Self.moments(seed: 19, offline: false), log: log)
        #expect(kills.count >= 2, "killed only \(kills)")
        try Self.expectSameRun(killed, uninterrupted)
    }
}
