import Foundation
import HDF5
import Testing
import TestSupport

@Suite("HDF5 layer: typed errors")
struct HDF5ErrorTests {
    @Test func missingFileAndNonHDF5File() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        #expect(throws: HDF5Error.fileNotFound(file: dir.path("none.h5"))) { try HDF5File(path: dir.path("none.h5")) }
        let text = dir.path("text.h5")
        try Data("hello, not hdf5".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: HDF5Error.notHDF5(file: text)) { try HDF5File(path: text) }
        let empty = dir.path("empty.h5")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(throws: HDF5Error.notHDF5(file: empty)) { try HDF5File(path: empty) }
    }

    @Test func missingKeyListsWhatIsPresent() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("k.h5")
        let file = try HDF5File(path: path, mode: .create)
        try file.root.write([Float(1)], at: "observations")
        try file.root.write([Float(1)], at: "infos/qpos")
        do {
            _ = try file.root.dataset("actions")
            Issue.record("expected a missing-key error")
        } catch let error as HDF5Error {
            #expect(error == .missingKey(file: path, key: "actions", available: ["infos/qpos", "observations"]))
            #expect(error.description.contains("actions") && error.description.contains("observations"))
        }
        #expect(throws: HDF5Error.wrongKind(file: path, key: "infos", expected: "dataset", found: "group")) {
            try file.root.dataset("infos")
        }
        #expect(throws: HDF5Error.missingKey(file: path, key: "infos/qvel", available: ["infos/qpos"])) {
            try file.root.group("infos").dataset("qvel")
        }
    }

    @Test func stringsAreNotNumbers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("s.h5")
        let file = try HDF5File(path: path, mode: .create)
        try file.root.write("SAC", at: "algorithm")
        try file.root.write([Float(2)], at: "x")
        #expect(throws: HDF5Error.wrongType(file: path, key: "algorithm", expected: "a number or bool (float32)",
                                            found: "string")) { try file.root.dataset("algorithm").read(Float.self) }
        #expect(throws: HDF5Error.self) { try file.root.dataset("x").readString() }
    }

    @Test func truncatedFilesGiveTypedErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("full.h5")
        var rng = RandomGenerator(seed: 1)
        do {
            let file = try HDF5File(path: path, mode: .create)
            try file.root.write(Tensor.normal([4000, 11], rng: &rng), at: "observations", options: .h5pyGzip)
            try file.root.write(Tensor.normal([4000, 11], rng: &rng), at: "plain")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for fraction in [0.01, 0.3, 0.6, 0.95] {
            let cut = dir.path("cut\(fraction).h5")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            do {
                let file = try HDF5File(path: cut)
                _ = try file.root.dataset("observations").readTensor()
                _ = try file.root.dataset("plain").readTensor()
                Issue.record("truncated at \(fraction) read without error")
            } catch is HDF5Error {
                // expected
            }
        }
    }
}
