import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("Bad input gives typed errors, never a crash")
struct BadInputTests {
    static func writeBad(_ dir: TemporaryDirectory, _ body: String) throws -> String {
        let path = dir.path("bad.hdf5")
        _ = try Python.check("""
        import sys, h5py, numpy as np
        n = 20
        f = h5py.File(sys.argv[1], 'w')
        d = dict(observations=np.zeros((n, 3), 'f4'), actions=np.zeros((n, 2), 'f4'), rewards=np.zeros(n, 'f4'),
                 terminals=np.zeros(n, bool), timeouts=np.zeros(n, bool))
        \(body)
        for k, v in d.items(): f[k] = v
        """, arguments: [path])
        return path
    }

    @Test func missingKeyMismatchedLengthsWrongTypesAndNaN() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var path = try Self.writeBad(dir, "del d['actions']")
        #expect(throws: HDF5Error.missingKey(file: path, key: "actions", available: ["observations", "rewards", "terminals", "timeouts"])) {
            try D4RLFile.load(path: path)
        }
        path = try Self.writeBad(dir, "d['actions'] = np.zeros((19, 2), 'f4')")
        #expect(throws: OfflineDataError.lengthMismatch(file: path, key: "actions", expected: 20, found: 19)) {
            try D4RLFile.load(path: path)
        }
        path = try Self.writeBad(dir, "d['observations'] = np.array([b'x'] * 20)[:, None]")
        #expect(throws: OfflineDataError.wrongType(file: path, key: "observations", expected: "float32 or float64", found: "string")) {
            try D4RLFile.load(path: path)
        }
        path = try Self.writeBad(dir, "d['rewards'] = np.zeros((20, 2), 'f4')")
        #expect(throws: OfflineDataError.wrongShape(file: path, key: "rewards", expected: "(N,) or (N, 1)", found: [20, 2])) {
            try D4RLFile.load(path: path)
        }
        path = try Self.writeBad(dir, "d['observations'][7, 1] = np.nan; d['rewards'][9] = np.inf")
        #expect(throws: OfflineDataError.nonFinite(file: path, key: "observations", row: 7)) { try D4RLFile.load(path: path) }
        let report = try D4RLFile.load(path: path, validation: .report).validate()
        #expect(report.contains(DatasetProblem(severity: .error, key: "rewards", row: 9, message: "NaN or infinity (first of the file)")))
    }

    /// HDF5 has no checksums on metadata values or uncompressed data, so a flip there can change
    /// values undetected; what must hold: a flip never crashes or throws an untyped error, data that
    /// loads has the file's shapes, and most damage is reported as a typed error.
    @Test("random byte flips give typed errors, or data of the right shapes")
    func byteFlips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let source = try D4RLFixtures.make(in: dir, name: "good.hdf5", rows: 300)
        let good = try D4RLFile.load(path: source)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        var rng = RandomGenerator(seed: 2024)
        var typed = 0, intact = 0, changed = 0
        for trial in 0..<300 {
            var copy = bytes
            for _ in 0..<(1 + trial % 4) {
                let at = rng.integer(below: copy.count)
                copy[at] ^= UInt8(1 + rng.integer(below: 255))
            }
            let path = dir.path("flip.hdf5")
            try copy.write(to: URL(fileURLWithPath: path))
            do {
                let data = try D4RLFile.load(path: path)
                _ = data.qlearningTransitions()
                #expect(data.observations.shape == good.observations.shape && data.actions.shape == good.actions.shape
                        && data.rewards.count == good.rewards.count && data.terminals.count == good.terminals.count, "trial \(trial)")
                if data.observations == good.observations && data.rewards == good.rewards && data.terminals == good.terminals {
                    intact += 1
                } else {
                    changed += 1  // a flip inside uncompressed metadata values the format cannot detect
                }
            } catch is HDF5Error {
                typed += 1
            } catch is OfflineDataError {
                typed += 1
            }
        }
        #expect(typed > 0 && intact > 0)
        #expect(changed < typed, "typed errors \(typed), intact \(intact), silently changed \(changed)")
    }

    @Test func truncatedFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: D4RLFixtures.make(in: dir, name: "t.hdf5", rows: 500)))
        for fraction in stride(from: 0.0, to: 1.0, by: 0.07) {
            let path = dir.path("cut.hdf5")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: path))
            #expect(throws: (any Error).self) { try D4RLFile.load(path: path) }
        }
    }
}
