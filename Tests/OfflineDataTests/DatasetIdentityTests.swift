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

    /// A dataset reached through a symbolic link (a shared data folder linked into `Datasets/generated`)
    /// is identified by the file's bytes, not the link's: the size is the file's, not its target path's length.
    @Test func aSymbolicLinkIsIdentifiedByTheFileItPointsTo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let file = dir.path("d.hdf5"), link = dir.path("link.hdf5")
        try RawD4RL().write(to: file)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "d.hdf5")
        let direct = try DatasetIdentity(path: file), linked = try DatasetIdentity(path: link)
        #expect(linked.byteCount == direct.byteCount)
        #expect(linked.byteCount > 1_000)
        #expect(linked.sameContent(as: direct))
        #expect(linked.path == link)
        // A record written before sizes followed links (holding the link's size) still matches.
        #expect(DatasetIdentity(path: link, byteCount: 8, sha256: direct.sha256).sameContent(as: direct))
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
