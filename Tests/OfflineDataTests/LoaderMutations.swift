import Foundation
import HDF5
import OfflineData

/// Seeded mutations of loader inputs for ``LoaderFuzzTests``: byte-level damage of committed
/// corpus files, and structural variants written with the library's own HDF5 writer.
enum LoaderMutations {
    /// Damages `bytes`: truncation, byte flips, overwritten runs, or a stored row count replaced
    /// by another (so a dataspace claims a huge, zero or off-by-one shape). Returns the new
    /// bytes and a short name of the mutation.
    static func damage(_ bytes: Data, rows: Int, _ rng: inout RandomGenerator) -> (Data, String) {
        var copy = bytes
        switch rng.integer(below: 4) {
        case 0:
            let at = rng.integer(below: copy.count)
            return (copy.prefix(at), "truncate at \(at)")
        case 1:
            let flips = 1 + rng.integer(below: 4)
            for _ in 0..<flips { copy[rng.integer(below: copy.count)] ^= UInt8(1 + rng.integer(below: 255)) }
            return (copy, "flip \(flips) bytes")
        case 2:
            let start = rng.integer(below: copy.count), length = 1 + rng.integer(below: 64)
            let fill: UInt8 = rng.integer(below: 2) == 0 ? 0 : 0xFF
            for i in start..<min(copy.count, start + length) { copy[i] = fill }
            return (copy, "fill \(length) bytes at \(start) with \(fill)")
        default:
            // Dimension sizes are stored as 8-byte little-endian integers in dataspace messages.
            let needle = withUnsafeBytes(of: UInt64(rows).littleEndian) { Array($0) }
            let places = occurrences(of: needle, in: copy)
            guard !places.isEmpty else { return (copy, "no row count found") }
            let at = places[rng.integer(below: places.count)]
            let claims: [UInt64] = [0, UInt64(rows + 1), 1 << 40, UInt64.max, 1 << 62]
            let claim = claims[rng.integer(below: claims.count)]
            withUnsafeBytes(of: claim.littleEndian) { for (i, b) in $0.enumerated() { copy[at + i] = b } }
            return (copy, "row count at \(at) claims \(claim)")
        }
    }

    static func occurrences(of needle: [UInt8], in data: Data) -> [Int] {
        let bytes = [UInt8](data)
        guard bytes.count >= needle.count else { return [] }
        return (0...(bytes.count - needle.count)).filter { start in
            bytes[start] == needle[0] && Array(bytes[start..<start + needle.count]) == needle
        }
    }

    /// One or two structural changes to a clean ``RawD4RL``: deleted or renamed keys, wrong
    /// dtypes, wrong shapes, NaN/±∞/extreme values, flags outside {0, 1}, contradictory flags.
    static func structural(_ rng: inout RandomGenerator) -> (RawD4RL, String) {
        var raw = RawD4RL(rows: [0, 1, 2, 20][rng.integer(below: 4)])
        var names = [String]()
        for _ in 0..<(1 + rng.integer(below: 2)) { names.append(mutate(&raw, &rng)) }
        return (raw, names.joined(separator: " + "))
    }

    private static let keys = ["observations", "next_observations", "actions", "rewards", "terminals", "timeouts"]

    private static func mutate(_ raw: inout RawD4RL, _ rng: inout RandomGenerator) -> String {
        let key = keys[rng.integer(below: keys.count)]
        guard var array = raw.arrays[key] else { return "nothing (\(key) gone)" }
        let rows = array.shape.first ?? 0
        switch rng.integer(below: 8) {
        case 0:
            raw.arrays[key] = nil
            return "delete \(key)"
        case 1:
            raw.arrays[key] = nil
            raw.arrays[String(key.dropLast()) + (rng.integer(below: 2) == 0 ? "" : "S")] = array
            return "rename \(key)"
        case 2:
            let types: [HDF5ElementType] = [.int32, .int64, .int8, .uint8, .float64, .bool, .float32]
            array.type = types[rng.integer(below: types.count)]
            raw.arrays[key] = array
            return "\(key) as \(array.type)"
        case 3:
            let shapes: [[Int]] = [[array.values.count], [rows, array.values.count / max(rows, 1), 1], [1, array.values.count]]
            let shape = shapes[rng.integer(below: shapes.count)]
            guard shape.reduce(1, *) == array.values.count else { return "no reshape" }
            array.shape = shape
            raw.arrays[key] = array
            return "\(key) shape \(shape)"
        case 4:
            let drop = rows > 0 ? 1 : 0
            let width = array.values.count / max(rows, 1)
            array.values.removeLast(drop * width)
            array.values += [Double](repeating: 0, count: rng.integer(below: 2) * width * 3)
            array.shape[0] = array.values.count / max(width, 1)
            raw.arrays[key] = array
            return "\(key) \(array.shape[0]) rows"
        case 5:
            guard !array.values.isEmpty else { return "no value to poison" }
            let bad: [Double] = [.nan, .infinity, -.infinity, 1e30, -3e38, 1e16, 1e300]
            let value = bad[rng.integer(below: bad.count)]
            if array.type == .bool { array.type = .float32 }
            array.values[rng.integer(below: array.values.count)] = value
            raw.arrays[key] = array
            return "\(key) holds \(value)"
        case 6:
            let flagKey = ["terminals", "timeouts"][rng.integer(below: 2)]
            guard var changed = raw.arrays[flagKey], !changed.values.isEmpty else { return "no flags" }
            changed.type = [.float32, .int32, .float64][rng.integer(below: 3)]
            changed.values[rng.integer(below: changed.values.count)] = [2, -1, 0.5, .nan, 255][rng.integer(below: 5)]
            raw.arrays[flagKey] = changed
            return "\(flagKey) out of {0, 1}"
        default:
            guard var timeouts = raw.arrays["timeouts"], let terminals = raw.arrays["terminals"],
                  let row = terminals.values.firstIndex(of: 1), row < timeouts.values.count else { return "no terminal row" }
            timeouts.values[row] = 1
            raw.arrays["timeouts"] = timeouts
            return "row \(row) terminal and timeout"
        }
    }
}
