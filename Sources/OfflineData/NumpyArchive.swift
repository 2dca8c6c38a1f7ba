import CHDF5
import Foundation

/// A numpy array decoded from a `.npy` member of an `.npz` archive, as Float32 or Double values.
public struct NumpyArray: Sendable {
    /// Dimensions (`[]` for a scalar).
    public var shape: [Int]
    /// numpy's type string (`<f4`, `<f8`, `|b1`, `<i8`, ...).
    public var descriptor: String
    /// Elements in row-major order, converted to Double.
    public var values: [Double]
}

/// Reads `.npz` archives (numpy's `savez` and `savez_compressed`: ZIP, stored or deflated,
/// ZIP64 included) without Python. Only little-endian numeric and bool arrays are decoded.
public enum NumpyArchive {
    /// Reads every array of an `.npz` file.
    /// - Parameter path: The archive.
    /// - Returns: Arrays by name (without the `.npy` suffix).
    /// - Throws: ``OfflineDataError/badArchive(file:key:reason:)`` for damaged archives,
    ///   unsupported dtypes or Fortran order; ``HDF5Error/fileNotFound(file:)`` when missing.
    public static func read(path: String) throws -> [String: NumpyArray] {
        guard let data = FileManager.default.contents(atPath: path) else { throw HDF5Error.fileNotFound(file: path) }
        let bytes = [UInt8](data)
        func fail(_ key: String, _ reason: String) -> OfflineDataError { .badArchive(file: path, key: key, reason: reason) }
        func u16(_ o: Int) throws -> Int {
            guard o >= 0, o + 2 <= bytes.count else { throw fail("zip", "truncated archive") }
            return Int(bytes[o]) | Int(bytes[o + 1]) << 8
        }
        func u32(_ o: Int) throws -> Int { let low = try u16(o), high = try u16(o + 2); return low | high << 16 }
        func u64(_ o: Int) throws -> Int {
            let low = try u32(o), high = try u32(o + 4)
            guard high < 1 << 20 else { throw fail("zip", "implausible 64-bit size") }
            return low | high << 32
        }
        // End of central directory: the last "PK\5\6" within the final 64 KiB.
        var eocd = -1
        var o = bytes.count - 22
        while o >= Swift.max(0, bytes.count - 65_557) {
            if bytes[o] == 0x50, bytes[o + 1] == 0x4B, bytes[o + 2] == 5, bytes[o + 3] == 6 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw fail("zip", "not a ZIP/.npz archive (no end-of-directory record)") }
        var entries = try u16(eocd + 10)
        var directory = try u32(eocd + 16)
        if entries == 0xFFFF || directory == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, try u32(locator) == 0x0706_4B50 else { throw fail("zip", "missing ZIP64 locator") }
            let record = try u64(locator + 8)
            guard try u32(record) == 0x0606_4B50 else { throw fail("zip", "bad ZIP64 record") }
            entries = try u64(record + 32)
            directory = try u64(record + 48)
        }
        guard entries < 10_000 else { throw fail("zip", "implausible entry count \(entries)") }
        var result = [String: NumpyArray]()
        var cursor = directory
        for _ in 0..<entries {
            guard try u32(cursor) == 0x0201_4B50 else { throw fail("zip", "bad central directory entry") }
            let method = try u16(cursor + 10)
            var compressed = try u32(cursor + 20)
            var uncompressed = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28), extraLength = try u16(cursor + 30), commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            guard cursor + 46 + nameLength <= bytes.count else { throw fail("zip", "truncated archive") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // ZIP64 extra field: the 0xFFFFFFFF fields in order uncompressed, compressed, offset.
            var e = cursor + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try u16(e), size = try u16(e + 2)
                if id == 1 {
                    var f = e + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try u64(f); f += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(f); f += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(f) }
                }
                e += 4 + size
            }
            cursor = extraEnd + commentLength
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            guard try u32(local) == 0x0403_4B50 else { throw fail(key, "bad local header") }
            let nameSize = try u16(local + 26), extraSize = try u16(local + 28)
            let start = local + 30 + nameSize + extraSize
            guard start >= 0, compressed >= 0, start + compressed <= bytes.count, uncompressed < 1 << 34 else {
                throw fail(key, "member extends past the end of the file (truncated)")
            }
            let member: [UInt8]
            switch method {
            case 0:
                member = Array(bytes[start..<(start + compressed)])
            case 8:
                var out = [UInt8](repeating: 0, count: uncompressed)
                let produced = out.withUnsafeMutableBytes { dst in
                    bytes.withUnsafeBytes { src in
                        orl_inflate_raw(dst.baseAddress, UInt(uncompressed), src.baseAddress! + start, UInt(compressed))
                    }
                }
                guard produced == uncompressed else { throw fail(key, "deflated member does not inflate to \(uncompressed) bytes") }
                member = out
            default:
                throw fail(key, "unsupported ZIP compression method \(method)")
            }
            result[key] = try parseNpy(member, file: path, key: key)
        }
        return result
    }

    /// Decodes one `.npy` file's bytes.
    static func parseNpy(_ bytes: [UInt8], file: String, key: String) throws -> NumpyArray {
        func fail(_ reason: String) -> OfflineDataError { .badArchive(file: file, key: key, reason: reason) }
        guard bytes.count >= 10, bytes[0] == 0x93, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY" else {
            throw fail("not a .npy array (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        func field(_ name: String) -> String? {
            guard let range = header.range(of: "'\(name)':") else { return nil }
            return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descrField = field("descr"), descrField.hasPrefix("'"),
              let descr = descrField.dropFirst().split(separator: "'").first.map(String.init) else {
            throw fail("header has no dtype: \(header)")
        }
        if let fortran = field("fortran_order"), fortran.hasPrefix("True") { throw fail("Fortran-ordered arrays are not supported") }
        guard let shapeField = field("shape"), let open = shapeField.firstIndex(of: "("),
              let close = shapeField.firstIndex(of: ")") else { throw fail("header has no shape: \(header)") }
        let shape = try shapeField[shapeField.index(after: open)..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let v = Int(text), v >= 0 else { throw fail("bad shape \(shapeField)") }
                return v
            }
        let count = shape.reduce(1, *)
        let size: Int
        switch descr {
        case "<f4", "<i4", "<u4": size = 4
        case "<f8", "<i8", "<u8": size = 8
        case "|b1", "|u1", "|i1": size = 1
        case "<i2", "<u2": size = 2
        default: throw fail("unsupported dtype \(descr)")
        }
        let dataStart = headerStart + headerLength
        guard count >= 0, count < 1 << 34, dataStart + count * size <= bytes.count else {
            throw fail("data shorter than shape \(shape) × \(descr) (truncated)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for i in 0..<count {
                let p = base + i * size
                switch descr {
                case "<f4": values[i] = Double(p.loadUnaligned(as: Float.self))
                case "<f8": values[i] = p.loadUnaligned(as: Double.self)
                case "<i4": values[i] = Double(p.loadUnaligned(as: Int32.self))
                case "<u4": values[i] = Double(p.loadUnaligned(as: UInt32.self))
                case "<i8": values[i] = Double(p.loadUnaligned(as: Int64.self))
                case "<u8": values[i] = Double(p.loadUnaligned(as: UInt64.self))
                case "<i2": values[i] = Double(p.loadUnaligned(as: Int16.self))
                case "<u2": values[i] = Double(p.loadUnaligned(as: UInt16.self))
                case "|i1": values[i] = Double(p.load(as: Int8.self))
                default: values[i] = Double(p.load(as: UInt8.self))
                }
            }
        }
        return NumpyArray(shape: shape, descriptor: descr, values: values)
    }
}
