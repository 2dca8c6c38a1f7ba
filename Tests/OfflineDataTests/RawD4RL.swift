import Foundation
import HDF5
import OfflineData

/// A small D4RL-layout file written with the library's own HDF5 writer, key by key, so a test can
/// store any dtype, shape or value (flags of 2, integer observations, a missing key) without h5py.
struct RawD4RL {
    /// One stored array: values as doubles, the dtype to store them as, and the shape.
    struct Array {
        var values: [Double]
        var shape: [Int]
        var type: HDF5ElementType = .float32
    }

    /// The arrays by key (`"observations"`, `"infos/qpos"`).
    var arrays: [String: Array]

    /// A clean file of `rows` rows: 3-wide observations, 2-wide actions in [-1, 1], episodes of 7
    /// steps ending in a timeout, every 17th row terminal, stored next observations.
    init(rows: Int = 20) {
        var terminals = [Double](repeating: 0, count: rows), timeouts = terminals
        var t = 0
        for i in 0..<rows {
            t += 1
            if i % 17 == 16 { terminals[i] = 1; t = 0 } else if t == 7 { timeouts[i] = 1; t = 0 }
        }
        func wave(_ count: Int, _ scale: Double) -> [Double] { (0..<count).map { scale * sin(Double($0) * 0.37) } }
        arrays = [
            "observations": Array(values: wave(rows * 3, 2), shape: [rows, 3]),
            "next_observations": Array(values: wave(rows * 3, 1.5), shape: [rows, 3]),
            "actions": Array(values: wave(rows * 2, 0.99), shape: [rows, 2]),
            "rewards": Array(values: wave(rows, 3), shape: [rows]),
            "terminals": Array(values: terminals, shape: [rows], type: .bool),
            "timeouts": Array(values: timeouts, shape: [rows], type: .bool),
        ]
    }

    /// Sets one stored value of `key` (row-major index `index`).
    mutating func set(_ key: String, _ index: Int, _ value: Double) { arrays[key]!.values[index] = value }

    /// Writes the file (replacing `path`), gzip-compressed as h5py writes D4RL files.
    func write(to path: String, options: HDF5WriteOptions = .h5pyGzip) throws {
        let file = try HDF5File(path: path, mode: .create)
        for key in arrays.keys.sorted() {
            let a = arrays[key]!
            let root = file.root
            switch a.type {
            case .float64: try root.write(a.values, shape: a.shape, at: key, options: options)
            case .int32: try root.write(a.values.map { Int32(clamping: Int64(exactly: $0.rounded()) ?? 0) }, shape: a.shape, at: key, options: options)
            case .int64: try root.write(a.values.map { Int64(exactly: $0.rounded()) ?? 0 }, shape: a.shape, at: key, options: options)
            case .int8: try root.write(a.values.map { Int8(clamping: Int64(exactly: $0.rounded()) ?? 0) }, shape: a.shape, at: key, options: options)
            case .uint8: try root.write(a.values.map { UInt8(clamping: Int64(exactly: $0.rounded()) ?? 0) }, shape: a.shape, at: key, options: options)
            case .bool: try root.write(a.values.map { $0 != 0 }, shape: a.shape, at: key, options: options)
            default: try root.write(a.values.map { Float($0) }, shape: a.shape, at: key, options: options)
            }
        }
        try file.flush()
    }
}
