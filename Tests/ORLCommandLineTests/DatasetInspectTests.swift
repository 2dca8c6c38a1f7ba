import ArgumentParser
import Foundation
import OfflineData
import ORLCommandLine
import Testing
import TestSupport

/// `orl dataset inspect` exits non-zero when it lists an error-level problem (issue 35).
@Suite("orl dataset inspect: exit status follows the problems found")
struct DatasetInspectTests {
    /// Runs `orl dataset inspect` with `arguments` and returns the exit code it would end with.
    static func exitCode(_ arguments: [String]) -> ExitCode {
        do {
            var command = try ORL.parseAsRoot(["dataset", "inspect"] + arguments)
            try command.run()
            return .success
        } catch {
            return ORL.exitCode(for: error)
        }
    }

    static func write(_ path: String, rows: Int, terminalAndTimeout: Bool = false, action: Float = 0.5) throws {
        var timeouts = [Bool](repeating: false, count: rows)
        var terminals = timeouts
        if rows > 0 { timeouts[rows - 1] = true }
        if terminalAndTimeout, rows > 0 { terminals[rows - 1] = true }
        let dataset = try OfflineDataset(source: "test", observations: Tensor(repeating: 0.1, shape: [rows, 2]),
                                         actions: Tensor(repeating: action, shape: [rows, 1]),
                                         rewards: Tensor(repeating: 1, shape: [rows]), terminals: terminals, timeouts: timeouts)
        try D4RLFile.write(dataset, to: path, metadata: ["environment": "hopper"])
    }

    @Test func cleanFilesExitZeroAndBadOnesNonZero() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let clean = dir.path("clean.hdf5"), empty = dir.path("empty.hdf5"), both = dir.path("both.hdf5"), wide = dir.path("wide.hdf5")
        try Self.write(clean, rows: 30)
        try Self.write(empty, rows: 0)
        try Self.write(both, rows: 30, terminalAndTimeout: true)
        try Self.write(wide, rows: 30, action: 1.5)
        #expect(Self.exitCode([clean]) == .success)
        #expect(Self.exitCode([empty]) != .success)
        #expect(Self.exitCode([both]) != .success)
        // metadata/environment = hopper: actions must lie in [-1, 1]; a wider bound accepts 1.5.
        #expect(Self.exitCode([wide]) != .success)
        #expect(Self.exitCode([wide, "--action-bound", "2"]) == .success)
    }
}
