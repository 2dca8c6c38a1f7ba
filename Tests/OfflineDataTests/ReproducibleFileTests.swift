import Foundation
import HDF5
import OfflineData
import Testing
import TestSupport

@Suite("Reproducible HDF5 files and SHA-256")
struct ReproducibleFileTests {
    /// Writes nested groups, gzip-compressed and contiguous datasets, strings and attributes.
    static func writeSample(to path: String) throws {
        let file = try HDF5File(path: path, mode: .create)
        let root = file.root
        try root.write((0..<3000).map { Float($0) * 0.5 }, shape: [1000, 3], at: "observations", options: .h5pyGzip)
        try root.write([true, false, true], at: "terminals", options: .h5pyGzip)
        try root.write([1.5, -2.0] as [Double], at: "infos/deep/qpos")
        try root.write("SAC", at: "metadata/algorithm")
        try root.writeScalar(Int32(7), at: "metadata/seed")
        try root.createGroup("actor/layer0").setAttribute("activation", .string("relu"))
        try root.setAttribute("format", .string("test"))
        try file.flush()
    }

    @Test func writingTheSameContentTwiceGivesIdenticalBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try Self.writeSample(to: dir.path("a.h5"))
        // libhdf5's object time stamps have one-second resolution: without turning them off, the
        // second file's headers would hold a later time.
        Thread.sleep(forTimeInterval: 1.1)
        try Self.writeSample(to: dir.path("b.h5"))
        let a = try SHA256Checksum.hexDigest(ofFileAt: dir.path("a.h5"))
        let b = try SHA256Checksum.hexDigest(ofFileAt: dir.path("b.h5"))
        #expect(a == b, "two writes of the same content differ: object creation/modification times are being recorded")
        // And the content is all there.
        let root = try HDF5File(path: dir.path("b.h5")).root
        #expect(try root.dataset("infos/deep/qpos").read(Double.self) == [1.5, -2.0])
        #expect(root.kind(of: "actor/layer0") == .group)
    }

    @Test func objectsRecordNoTimesForH5py() throws {
        // h5py's view of the object headers: every time field is 0 when tracking is off.
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try Self.writeSample(to: dir.path("a.h5"))
        let script = """
            import sys, h5py
            f = h5py.File(sys.argv[1], "r")
            names = ["/"]
            f.visit(lambda n: names.append(n))
            times = {n: (i.atime, i.mtime, i.ctime, i.btime) for n in names for i in [h5py.h5o.get_info(f[n].id)]}
            bad = {n: t for n, t in times.items() if any(t)}
            print(len(names), bad)
            """
        let out = try Python.check(script, arguments: [dir.path("a.h5")]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(out == "11 {}", "objects with time stamps (name: atime, mtime, ctime, btime): \(out)")
    }

    @Test func sha256MatchesKnownDigests() throws {
        #expect(SHA256Checksum.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Checksum.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Checksum.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Checksum.hexDigest(of: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // A file larger than one read piece (1 MiB), against Python's hashlib.
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<(3 << 20) + 55).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(bytes).write(to: dir.url.appendingPathComponent("blob"))
        let python = try Python.check("import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
                                      arguments: [dir.path("blob")]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try SHA256Checksum.hexDigest(ofFileAt: dir.path("blob")) == python)
        #expect(SHA256Checksum.hexDigest(of: bytes) == python)
    }
}
