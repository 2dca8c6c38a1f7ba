import Foundation
import HDF5
import Testing
import TestSupport

@Suite("HDF5 layer: h5py reads our files and we read h5py's")
struct HDF5InteropTests {
    @Test func h5pyReadsWhatWeWrite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("ours.h5")
        do {
            let file = try HDF5File(path: path, mode: .create)
            try file.root.write(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), at: "actor/layer0/weight",
                                options: .h5pyGzip)
            try file.root.write([true, false], at: "flags")
            try file.root.write("SAC", at: "metadata/algorithm")
            try file.root.setAttribute("step", .int(7))
        }
        let out = try Python.check("""
        import sys, h5py
        f = h5py.File(sys.argv[1], 'r')
        w = f['actor/layer0/weight']
        print(w.dtype, w.shape, w.compression, w[()].tolist())
        print(f['flags'].dtype, f['flags'][()].tolist())
        print(f['metadata/algorithm'][()], f.attrs['step'])
        """, arguments: [path])
        #expect(out == "float32 (2, 3) gzip [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]\nbool [True, False]\nb'SAC' 7\n")
    }

    @Test func weReadWhatH5pyWrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path("theirs.h5")
        _ = try Python.check("""
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'w') as f:
            f.create_dataset('x', data=np.arange(12, dtype=np.float64).reshape(4, 3), compression='gzip')
            f.create_dataset('b', data=np.array([True, False, True]))
            f['s'] = np.bytes_('relu')
            f['v'] = 'variable'
            f['i'] = np.int32(5)
            f.attrs['name'] = 'hello'
            f.attrs['vals'] = np.array([1.5, 2.5])
        """, arguments: [path])
        let root = try HDF5File(path: path).root
        #expect(try root.dataset("x").read(Float.self) == (0..<12).map { Float($0) })
        #expect(try root.dataset("x").read(Float.self, rows: 2..<4) == (6..<12).map { Float($0) })
        #expect(try root.dataset("b").elementType == .bool)
        #expect(try root.dataset("b").read(Bool.self) == [true, false, true])
        #expect(try root.dataset("s").readString() == "relu")
        #expect(try root.dataset("v").readString() == "variable")
        #expect(try root.dataset("i").readScalar(Int32.self) == 5)
        #expect(try root.attribute("name") == .string("hello"))
        #expect(try root.attribute("vals") == .doubles([1.5, 2.5]))
    }
}
