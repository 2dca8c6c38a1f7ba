import Foundation
import Testing
import PolicyLearning
import ExperimentRunner

@Suite("Run lists (orl reproduce)")
struct RunListTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runlist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("lines become runs with their --out directories; comments and blank lines are skipped")
    func parses() throws {
        let list = try RunList(text: """
            # a comment
            orl train --algo mopo --dataset hopper-medium-orl --seed 1 --out runs/a

              orl morec learn-reward --dataset x --out runs/b   \n
            """, path: "runs.txt")
        #expect(list.runs.map(\.directory) == ["runs/a", "runs/b"])
        #expect(list.runs[0].arguments == ["train", "--algo", "mopo", "--dataset", "hopper-medium-orl", "--seed", "1", "--out", "runs/a"])
        #expect(list.runs.map(\.lineNumber) == [2, 4])
    }

    @Test("a line without orl or without --out DIR is an error naming the line")
    func badLines() {
        #expect(throws: RunListError.badLine(path: "l.txt", line: 2, text: "train --out x", problem: "a run line starts with `orl` and a subcommand")) {
            _ = try RunList(text: "# ok\ntrain --out x\n", path: "l.txt")
        }
        #expect(throws: RunListError.self) { _ = try RunList(text: "orl train --algo mopo\n", path: "l.txt") }
        #expect(throws: RunListError.self) { _ = try RunList(text: "orl train --out\n", path: "l.txt") }
        #expect(throws: RunListError.unreadable(path: "/nonexistent/runs.txt")) { _ = try RunList(path: "/nonexistent/runs.txt") }
    }

    @Test("a run's state follows its files: nothing → new, a recorded configuration, checkpoint or fit in progress → resumable, final.h5 → finished")
    func states() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(RunStatus(of: directory, records: nil) == .new)
        // config.json alone: `orl train` was killed before its first checkpoint and needs --resume.
        for file in ["config.json", "dynamics-fit.h5", "checkpoint.h5"] {
            _ = FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: Data())
            #expect(RunStatus(of: directory, records: nil) == .resumable)
        }
        _ = FileManager.default.createFile(atPath: "\(directory)/final.h5", contents: Data())
        #expect(RunStatus(of: directory, records: nil) == .finished)
        let reward = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: reward) }
        _ = FileManager.default.createFile(atPath: "\(reward)/learner.h5", contents: Data())
        #expect(RunStatus(of: reward, records: nil) == .resumable)
        _ = FileManager.default.createFile(atPath: "\(reward)/reward.h5", contents: Data())
        #expect(RunStatus(of: reward, records: nil) == .finished)       // a MOREC reward run

        // A run gone from this machine but archived in the committed records is not redone.
        let records = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: records) }
        let gone = "/nonexistent/runs/hopper-medium-orl/mopo-seed1"
        #expect(RunStatus(of: gone, records: records) == .new)
        try FileManager.default.createDirectory(atPath: "\(records)/hopper-medium-orl/mopo-seed1", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(records)/hopper-medium-orl/mopo-seed1/finished.json", contents: Data("{}".utf8))
        #expect(RunStatus(of: gone, records: records) == .finished)
        #expect(RunStatus(of: "/nonexistent/runs/hopper-medium-orl/mopo-seed2", records: records) == .new)
    }

    @Test("a run lock excludes a second holder until it is released")
    func locks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first = FileLock.run(directory)
        #expect(first != nil)
        #expect(FileLock.run(directory) == nil, "a second lock on a held run")
        first = nil
        #expect(FileLock.run(directory) != nil, "free again once the holder is gone")
        #expect(FileLock(waitingFor: "\(directory)/.queue-lock") != nil, "a free lock is taken without waiting")
        #expect(FileLock(path: "/nonexistent/dir/lock") == nil)
    }
}
