import Foundation
import HDF5
import Testing
import TestSupport

@Suite("HDF5 layer: writing and reading back")
struct HDF5RoundTripTests {
    @Test func everyElementTypeRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("types.h5")
        do {
            let file = try HDF5File(path: path, mode: .create)
            try file.root.write([1.5, -2.25, 3] as [Float], shape: [3, 1], at: "f32")
            try file.root.write([1e300, -0.5] as [Double], at: "nested/deeper/f64")
            try file.root.write([Int32.min, 0, Int32.max], at: "i32")
            try file.root.write([true, false, true, true], at: "flags")
            try file.root.write("SAC", at: "metadata/algorithm")
            try file.root.writeScalar(Int32(42), at: "metadata/iteration")
            try file.root.write(["relu", "tanh_gaussian"], at: "names")
        }
        let root = try HDF5File(path: path).root
        #expect(try root.dataset("f32").read(Float.self) == [1.5, -2.25, 3])
        #expect(try root.dataset("f32").shape == [3, 1])
        #expect(try root.dataset("nested/deeper/f64").read(Double.self) == [1e300, -0.5])
        #expect(try root.dataset("i32").read(Int32.self) == [Int32.min, 0, Int32.max])
        #expect(try root.dataset("flags").elementType == .bool)
        #expect(try root.dataset("flags").read(Bool.self) == [true, false, true, true])
        #expect(try root.dataset("flags").read(Float.self) == [1, 0, 1, 1])
        #expect(try root.dataset("metadata/algorithm").readString() == "SAC")
        #expect(try root.dataset("metadata/iteration").shape == [])
        #expect(try root.dataset("metadata/iteration").readScalar(Int32.self) == 42)
        #expect(try root.dataset("names").readStrings() == ["relu", "tanh_gaussian"])
        #expect(try root.children() == ["f32", "flags", "i32", "metadata", "names", "nested"])
        #expect(try root.datasetKeys().contains("nested/deeper/f64"))
        #expect(root.kind(of: "nested") == .group)
        #expect(root.kind(of: "nested/deeper/f64") == .dataset)
        #expect(root.kind(of: "nope/x") == nil)
    }

    @Test func tensorsRoundTripWithGzipChunksAndRowSlices() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.normal([5000, 17], rng: &rng)
        let path = dir.path("t.h5")
        try HDF5File(path: path, mode: .create).root.write(x, at: "actor/layer0/weight", options: .h5pyGzip)
        let dataset = try HDF5File(path: path).root.dataset("actor/layer0/weight")
        #expect(dataset.gzipLevel == 4)
        #expect(dataset.chunkShape == HDF5WriteOptions.guessChunk(shape: [5000, 17], elementSize: 4))
        #expect(try dataset.readTensor() == x)
        let slice = try dataset.readTensor(rows: 1234..<3001)
        #expect(slice.shape == [1767, 17])
        #expect(slice[0, 0] == x[1234, 0] && slice[1766, 16] == x[3000, 16])
        #expect(throws: HDF5Error.self) { try dataset.readTensor(rows: 4990..<5001) }
    }

    @Test func explicitChunksAndOverwrite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("c.h5")
        let file = try HDF5File(path: path, mode: .create)
        let values = (0..<1000).map { Double($0) }
        try file.root.write(values, shape: [100, 10], at: "a", options: HDF5WriteOptions(gzipLevel: 1, chunkShape: [7, 3]))
        try file.root.write(values.map { Float($0) }, shape: [1000], at: "b", options: HDF5WriteOptions(chunkShape: [64]))
        try file.root.write([Float(1)], at: "a")  // replaces the dataset
        #expect(try file.root.dataset("a").read(Float.self) == [1])
        let b = try file.root.dataset("b")
        #expect(b.chunkShape == [64] && b.gzipLevel == nil)
        #expect(try b.read(Double.self, rows: 990..<1000) == (990..<1000).map { Double($0) })
        let again = try file.root.dataset("a")
        #expect(again.shape == [1])
        try file.root.write(values, shape: [100, 10], at: "c", options: HDF5WriteOptions(gzipLevel: 1, chunkShape: [7, 3]))
        #expect(try file.root.dataset("c").read(Double.self, rows: 13..<58) == Array(values[130..<580]))
        #expect(try file.root.dataset("c").read(Float.self) == values.map { Float($0) })
    }

    @Test func attributesRoundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("a.h5")
        do {
            let file = try HDF5File(path: path, mode: .create)
            try file.root.setAttribute("format", .string("orl-checkpoint"))
            try file.root.setAttribute("step", .int(12))
            try file.root.write([Float(0)], at: "w")
            try file.root.dataset("w").setAttribute("scale", .doubles([0.5, 2]))
        }
        let root = try HDF5File(path: path).root
        #expect(try root.attribute("format") == .string("orl-checkpoint"))
        #expect(try root.attribute("step") == .int(12))
        #expect(try root.attributeNames() == ["format", "step"])
        #expect(try root.dataset("w").attribute("scale") == .doubles([0.5, 2]))
        #expect(throws: HDF5Error.self) { try root.attribute("missing") }
    }

    @Test func guessChunkMatchesH5py() throws {
        let script = """
        import sys, json
        from h5py._hl.filters import guess_chunk
        shapes = json.loads(sys.argv[1])
        print(json.dumps([list(guess_chunk(tuple(s), None, 4)) for s in shapes]))
        """
        let shapes = [[1_000_000, 17], [1_000_000, 6], [1_000_000], [5000, 17], [3], [202_000, 111], [7, 300, 5]]
        let data = try JSONSerialization.data(withJSONObject: shapes)
        let output = try Python.check(script, arguments: [String(decoding: data, as: UTF8.self)])
        let expected = try JSONDecoder().decode([[Int]].self, from: Data(output.utf8))
        try #require(expected.count == shapes.count, "h5py answered \(expected.count) of \(shapes.count) shapes")
        for (shape, want) in zip(shapes, expected) {
            #expect(HDF5WriteOptions.guessChunk(shape: shape, elementSize: 4) == want, "shape \(shape)")
        }
    }
}
