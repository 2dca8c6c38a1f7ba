import CHDF5

/// The value of an HDF5 attribute: a string, a number, or a one-dimensional array of numbers.
///
/// Strings are written as h5py writes Python `str` attributes (variable-length UTF-8); both
/// fixed- and variable-length strings are read.
public enum HDF5AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)
    case ints([Int64])
    case doubles([Double])

    public var description: String {
        switch self {
        case let .string(s): return "\"\(s)\""
        case let .int(v): return "\(v)"
        case let .double(v): return "\(v)"
        case let .ints(v): return "\(v)"
        case let .doubles(v): return "\(v)"
        }
    }
}

/// Attribute reading and writing shared by groups and datasets.
struct HDF5AttributeAccess {
    let objectID: hid_t
    let file: String
    let key: String

    func names() throws -> [String] {
        HDF5Library.silence()
        var info = H5O_info_t()
        guard H5Oget_info2(objectID, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else {
            throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage())
        }
        var result = [String]()
        for index in 0..<info.num_attrs {
            let length = H5Aget_name_by_idx(objectID, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, orl_h5p_default())
            guard length >= 0, length < 1 << 16 else {
                throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage())
            }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Aget_name_by_idx(objectID, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, Int(length) + 1,
                                   orl_h5p_default())
            result.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return result
    }

    func set(_ name: String, _ value: HDF5AttributeValue) throws {
        HDF5Library.silence()
        let label = key.isEmpty ? "@" + name : key + "@" + name
        func failure() -> HDF5Error { .writeFailed(file: file, key: label, reason: HDF5Library.takeErrorMessage()) }
        if H5Aexists(objectID, name) > 0 { H5Adelete(objectID, name) }
        switch value {
        case let .string(text):
            let type = orl_vlen_string_type()
            defer { H5Tclose(type) }
            let space = H5Screate(H5S_SCALAR)
            defer { H5Sclose(space) }
            let attribute = H5Acreate2(objectID, name, type, space, orl_h5p_default(), orl_h5p_default())
            guard attribute >= 0 else { throw failure() }
            defer { H5Aclose(attribute) }
            let status: herr_t = text.withCString { pointer in
                var array: [UnsafePointer<CChar>?] = [pointer]
                return H5Awrite(attribute, type, &array)
            }
            guard status >= 0 else { throw failure() }
        case let .int(v): try writeNumbers([v], scalar: true, type: orl_native_int64(), name: name, failure: failure)
        case let .double(v): try writeNumbers([v], scalar: true, type: orl_native_double(), name: name, failure: failure)
        case let .ints(v): try writeNumbers(v, scalar: false, type: orl_native_int64(), name: name, failure: failure)
        case let .doubles(v): try writeNumbers(v, scalar: false, type: orl_native_double(), name: name, failure: failure)
        }
    }

    private func writeNumbers<T>(_ values: [T], scalar: Bool, type: hid_t, name: String,
                                 failure: () -> HDF5Error) throws {
        var dims = [hsize_t(values.count)]
        let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(objectID, name, type, space, orl_h5p_default(), orl_h5p_default())
        guard attribute >= 0 else { throw failure() }
        defer { H5Aclose(attribute) }
        let status = values.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) }
        guard status >= 0 else { throw failure() }
    }

    func get(_ name: String) throws -> HDF5AttributeValue {
        HDF5Library.silence()
        let label = key.isEmpty ? "@" + name : key + "@" + name
        guard H5Aexists(objectID, name) > 0 else {
            _ = HDF5Library.takeErrorMessage()
            throw HDF5Error.missingKey(file: file, key: label, available: ((try? names()) ?? []).map { "@" + $0 })
        }
        func corrupt() -> HDF5Error { .corrupt(file: file, key: label, reason: HDF5Library.takeErrorMessage()) }
        let attribute = H5Aopen(objectID, name, orl_h5p_default())
        guard attribute >= 0 else { throw corrupt() }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        guard type >= 0 else { throw corrupt() }
        defer { H5Tclose(type) }
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw corrupt() }
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        let isScalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
        guard count >= 0, count < 1 << 24 else { throw HDF5Error.corrupt(file: file, key: label, reason: "bad extent") }
        let element = HDF5ElementType(typeID: type)
        switch element {
        case .string:
            if H5Tis_variable_str(type) > 0 {
                let memType = orl_vlen_string_type()
                defer { H5Tclose(memType) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: Swift.max(count, 1))
                guard H5Aread(attribute, memType, &pointers) >= 0 else { throw corrupt() }
                defer { for p in pointers where p != nil { H5free_memory(p) } }
                return .string(pointers[0].map { String(cString: $0) } ?? "")
            }
            let size = H5Tget_size(type)
            let memType = orl_string_type(size)
            defer { H5Tclose(memType) }
            var bytes = [UInt8](repeating: 0, count: size * Swift.max(count, 1))
            guard H5Aread(attribute, memType, &bytes) >= 0 else { throw corrupt() }
            return .string(String(decoding: bytes.prefix(size).prefix { $0 != 0 }, as: UTF8.self))
        case .float32, .float64:
            var values = [Double](repeating: 0, count: count)
            guard H5Aread(attribute, orl_native_double(), &values) >= 0 else { throw corrupt() }
            return isScalar ? .double(values.first ?? 0) : .doubles(values)
        case .bool:
            var values = [Int8](repeating: 0, count: count)
            let memType = orl_bool_type()
            defer { H5Tclose(memType) }
            guard H5Aread(attribute, memType, &values) >= 0 else { throw corrupt() }
            let ints = values.map { Int64($0) }
            return isScalar ? .int(ints.first ?? 0) : .ints(ints)
        case _ where element.isNumeric:
            var values = [Int64](repeating: 0, count: count)
            guard H5Aread(attribute, orl_native_int64(), &values) >= 0 else { throw corrupt() }
            return isScalar ? .int(values.first ?? 0) : .ints(values)
        default:
            throw HDF5Error.wrongType(file: file, key: label, expected: "string or number", found: "\(element)")
        }
    }
}

extension HDF5Group {
    /// The names of this group's attributes.
    /// - Throws: ``HDF5Error/corrupt(file:key:reason:)`` if the object header cannot be read.
    public func attributeNames() throws -> [String] { try attributes.names() }

    /// Sets (or replaces) the attribute `name`.
    /// - Parameters:
    ///   - name: The attribute's name.
    ///   - value: Its value.
    /// - Throws: ``HDF5Error/writeFailed(file:key:reason:)``.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws { try attributes.set(name, value) }

    /// Reads the attribute `name`.
    /// - Throws: ``HDF5Error/missingKey(file:key:available:)``, ``HDF5Error/wrongType(file:key:expected:found:)``
    ///   or ``HDF5Error/corrupt(file:key:reason:)``.
    public func attribute(_ name: String) throws -> HDF5AttributeValue { try attributes.get(name) }

    var attributes: HDF5AttributeAccess { HDF5AttributeAccess(objectID: handle.id, file: file, key: key) }
}

extension HDF5Dataset {
    /// The names of this dataset's attributes.
    /// - Throws: ``HDF5Error/corrupt(file:key:reason:)`` if the object header cannot be read.
    public func attributeNames() throws -> [String] { try attributes.names() }

    /// Sets (or replaces) the attribute `name`.
    /// - Parameters:
    ///   - name: The attribute's name.
    ///   - value: Its value.
    /// - Throws: ``HDF5Error/writeFailed(file:key:reason:)``.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws { try attributes.set(name, value) }

    /// Reads the attribute `name`.
    /// - Throws: ``HDF5Error/missingKey(file:key:available:)``, ``HDF5Error/wrongType(file:key:expected:found:)``
    ///   or ``HDF5Error/corrupt(file:key:reason:)``.
    public func attribute(_ name: String) throws -> HDF5AttributeValue { try attributes.get(name) }

    var attributes: HDF5AttributeAccess { HDF5AttributeAccess(objectID: handle.id, file: file, key: key) }
}
