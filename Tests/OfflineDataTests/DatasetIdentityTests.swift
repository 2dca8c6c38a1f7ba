import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("DatasetIdentity: path, size and SHA-256 of a dataset file")
struct DatasetIdentityTests {
    @Test func identityMatchesSha256sumAndChangesWithTheBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("d.hdf5")
        try RawD4RL().write(to: path)
        let identity = try DatasetIdentity(path: path)
        let expected = try Python.check("import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
                                        arguments: [path]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(identity.sha256 == expected)
        #expect(identity.byteCount == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        var changed = RawD4RL()
        changed.set("rewards", 0, 42)
        try changed.write(to: path)
        #expect(!(try DatasetIdentity(path: path)).sameContent(as: identity))
        #expect(throws: OfflineDataError.self) { try DatasetIdentity(path: dir.path("missing.hdf5")) }
    }

    /// Set `ORL_IDENTITY_TIMING_FILE` to a large file to print what recording its identity costs.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ORL_IDENTITY_TIMING_FILE"] != nil))
    func timing() throws {
        let path = ProcessInfo.processInfo.environment["ORL_IDENTITY_TIMING_FILE"]!
        let start = Date()
        let identity = try DatasetIdentity(path: path)
        print("DatasetIdentity of \(identity.byteCount) bytes took \(String(format: "%.2f", Date().timeIntervalSince(start))) s: \(identity.sha256)")
    }
}
