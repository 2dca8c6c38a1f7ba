import CHDF5

extension HDF5Group {
    /// Writes `values` with `shape` as a dataset at `key`, replacing any dataset already there and
    /// creating missing parent groups (`"actor/layer0/weight"`).
    ///
    /// `Float` is stored as little-endian float32, `Double` as float64, integers as their width,
    /// `Bool` as h5py's enum(int8) boolean, so h5py reads back the same numpy dtype.
    ///
    /// - Parameters:
    ///   - values: Elements in row-major order; their count must equal the product of `shape`.
    ///   - shape: Dimensions; nil means one dimension of `values.count`; `[]` writes a scalar.
    ///   - key: Path of the dataset below this group.
    ///   - options: Storage: ``HDF5WriteOptions/contiguous`` (default) or compressed and chunked.
    /// - Throws: ``HDF5Error/invalidRequest(file:key:reason:)`` when count and shape disagree,
    ///   ``HDF5Error/wrongKind(file:key:expected:found:)`` when a group is in the way,
    ///   ``HDF5Error/writeFailed(file:key:reason:)`` when libhdf5 fails.
    public func write<T: HDF5Scalar>(_ values: [T], shape: [Int]? = nil, at key: String,
                                     options: HDF5WriteOptions = .contiguous) throws {
        try values.withUnsafeBufferPointer { try write(buffer: $0, shape: shape ?? [values.count], at: key, options: options) }
    }

    /// Writes a ``Tensor`` as a float32 dataset of the tensor's shape.
    /// - Parameters:
    ///   - tensor: The data.
    ///   - key: Path of the dataset below this group.
    ///   - options: Storage options.
    /// - Throws: As ``write(_:shape:at:options:)``.
    public func write(_ tensor: Tensor, at key: String, options: HDF5WriteOptions = .contiguous) throws {
        try tensor.withUnsafeBufferPointer { try write(buffer: $0, shape: tensor.shape.dimensions, at: key, options: options) }
    }

    /// Writes one number (or Bool) as a scalar dataset (shape `()` in h5py; read with `[()]`).
    /// - Throws: As ``write(_:shape:at:options:)``.
    public func writeScalar<T: HDF5Scalar>(_ value: T, at key: String) throws {
        try write([value], shape: [], at: key)
    }

    /// Writes elements from a buffer; the other `write` methods end here.
    /// - Parameters:
    ///   - buffer: Elements in row-major order.
    ///   - shape: Dimensions (`[]` for a scalar).
    ///   - key: Path of the dataset below this group.
    ///   - options: Storage options.
    /// - Throws: As ``write(_:shape:at:options:)``.
    public func write<T: HDF5Scalar>(buffer: UnsafeBufferPointer<T>, shape: [Int], at key: String,
                                     options: HDF5WriteOptions = .contiguous) throws {
        let expected = shape.reduce(1, *)
        guard buffer.count == expected, shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error.invalidRequest(file: file, key: fullKey(key),
                                           reason: "\(buffer.count) values do not fill shape \(shape)")
        }
        let element = T.hdf5ElementType
        let ownedType = element == .bool ? orl_bool_type() : -1
        defer { if ownedType >= 0 { H5Tclose(ownedType) } }
        let typeID = element == .bool ? ownedType : element.nativeTypeID!
        try createAndWrite(key: key, shape: shape, fileType: typeID, memoryType: typeID,
                           elementSize: Swift.max(element.byteSize, 1), options: options,
                           data: buffer.baseAddress.map { UnsafeRawPointer($0) })
    }

    /// Writes a string as a scalar fixed-length byte string, as numpy's `np.string_` (h5py reads
    /// it back as `bytes`; D4RL's `metadata/algorithm` is stored this way).
    /// - Throws: As ``write(_:shape:at:options:)``.
    public func write(_ string: String, at key: String) throws {
        try write([string], shape: [], at: key)
    }

    /// Writes strings as a fixed-length byte-string dataset (length of the longest, null-padded).
    /// - Parameters:
    ///   - strings: The strings, row-major.
    ///   - shape: Dimensions; nil means `[strings.count]`; `[]` writes one string as a scalar.
    ///   - key: Path of the dataset below this group.
    /// - Throws: As ``write(_:shape:at:options:)``.
    public func write(_ strings: [String], shape: [Int]? = nil, at key: String) throws {
        let dims = shape ?? [strings.count]
        guard dims.reduce(1, *) == strings.count else {
            throw HDF5Error.invalidRequest(file: file, key: fullKey(key),
                                           reason: "\(strings.count) strings do not fill shape \(dims)")
        }
        let encoded = strings.map { Array($0.utf8) }
        let width = Swift.max(1, encoded.map(\.count).max() ?? 1)
        var bytes = [UInt8](repeating: 0, count: width * strings.count)
        for (i, s) in encoded.enumerated() { for (j, b) in s.enumerated() { bytes[i * width + j] = b } }
        let type = orl_string_type(width)
        defer { H5Tclose(type) }
        try bytes.withUnsafeBytes { raw in
            try createAndWrite(key: key, shape: dims, fileType: type, memoryType: type, elementSize: width,
                               options: .contiguous, data: raw.baseAddress)
        }
    }

    /// Creates the dataset (replacing an existing one) and writes `data` in one call.
    // swiftlint:disable:next function_parameter_count
    func createAndWrite(key: String, shape: [Int], fileType: hid_t, memoryType: hid_t, elementSize: Int,
                        options: HDF5WriteOptions, data: UnsafeRawPointer?) throws {
        HDF5Library.silence()
        let full = fullKey(key)
        switch kind(of: key) {
        case .group?: throw HDF5Error.wrongKind(file: file, key: full, expected: "dataset", found: "group")
        case .dataset?: try remove(key)
        case nil:
            // Parents first, so they too are created without time stamps (see HDF5CreationProperties).
            if let slash = key.lastIndex(of: "/"), slash > key.startIndex { try createGroup(String(key[..<slash])) }
        }
        func failure() -> HDF5Error { .writeFailed(file: file, key: full, reason: HDF5Library.takeErrorMessage()) }
        let dims = shape.map { hsize_t($0) }
        let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), dims, nil)
        guard space >= 0 else { throw failure() }
        defer { H5Sclose(space) }
        let dcpl = HDF5CreationProperties.dataset()
        defer { H5Pclose(dcpl) }
        if let chunks = options.resolvedChunkShape(for: shape, elementSize: elementSize) {
            let chunkDims = chunks.map { hsize_t($0) }
            guard H5Pset_chunk(dcpl, Int32(chunks.count), chunkDims) >= 0 else { throw failure() }
            if let level = options.gzipLevel {
                guard (0...9).contains(level) else {
                    throw HDF5Error.invalidRequest(file: file, key: full, reason: "gzip level \(level) is not in 0...9")
                }
                guard H5Pset_deflate(dcpl, UInt32(level)) >= 0 else { throw failure() }
            }
        }
        let lcpl = H5Pcreate(orl_h5p_link_create())
        defer { H5Pclose(lcpl) }
        H5Pset_create_intermediate_group(lcpl, 1)
        let dataset = H5Dcreate2(handle.id, key, fileType, space, lcpl, dcpl, orl_h5p_default())
        guard dataset >= 0 else { throw failure() }
        defer { H5Dclose(dataset) }
        if let data, shape.reduce(1, *) > 0 {
            guard H5Dwrite(dataset, memoryType, orl_h5s_all(), orl_h5s_all(), orl_h5p_default(), data) >= 0 else {
                throw failure()
            }
        }
    }
}
