import CHDF5

extension HDF5Dataset {
    // MARK: - Typed reads

    /// Reads the dataset (or a range of rows of it) as an array of `T`, converting numbers.
    ///
    /// - Parameters:
    ///   - type: The element type to read as (`Float`, `Double`, `Int32`, `Bool`, ...).
    ///   - rows: Rows along the first axis to read (a hyperslab); nil reads everything.
    /// - Returns: The elements in row-major order.
    /// - Throws: ``HDF5Error/wrongType(file:key:expected:found:)`` for strings or other non-numeric
    ///   data, ``HDF5Error/invalidRequest(file:key:reason:)`` for rows outside the dataset,
    ///   ``HDF5Error/corrupt(file:key:reason:)`` when the stored bytes cannot be decoded.
    public func read<T: HDF5Scalar>(_ type: T.Type = T.self, rows: Range<Int>? = nil) throws -> [T] {
        let n = try elementCount(rows: rows)
        return try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            try read(into: buffer, rows: rows)
            initialized = n
        }
    }

    /// Reads the dataset (or some rows) straight into `buffer`, which must hold exactly that many
    /// elements; no intermediate copy is made when the stored type is `T` already.
    ///
    /// - Parameters:
    ///   - buffer: Destination, row-major; its count must equal the number of elements read.
    ///   - rows: Rows along the first axis to read; nil reads everything.
    /// - Throws: As ``read(_:rows:)``, plus ``HDF5Error/invalidRequest(file:key:reason:)`` if the
    ///   buffer's size is wrong.
    public func read<T: HDF5Scalar>(into buffer: UnsafeMutableBufferPointer<T>, rows: Range<Int>? = nil) throws {
        let n = try elementCount(rows: rows)
        guard buffer.count == n else {
            throw HDF5Error.invalidRequest(file: file, key: key,
                                           reason: "destination holds \(buffer.count) elements, the selection \(n)")
        }
        guard n > 0, let base = buffer.baseAddress else { return }
        let target = T.hdf5ElementType
        switch (elementType, target) {
        case (.bool, .bool):
            try readBoolBytes(rows: rows) { bytes in
                for i in 0..<n { UnsafeMutableRawPointer(base).storeBytes(of: bytes[i] != 0, toByteOffset: i, as: Bool.self) }
            }
        case (.bool, _):
            // Bool → number: read the enum's int8 codes, then widen.
            try readBoolBytes(rows: rows) { bytes in
                let doubles = UnsafeMutablePointer<Double>.allocate(capacity: n)
                defer { doubles.deallocate() }
                for i in 0..<n { doubles[i] = Double(bytes[i]) }
                try convertDoubles(doubles, count: n, into: UnsafeMutableRawPointer(base), as: target)
            }
        case (_, .bool) where elementType.isNumeric:
            let doubles = UnsafeMutablePointer<Double>.allocate(capacity: n)
            defer { doubles.deallocate() }
            try readRaw(memoryType: orl_native_double(), memoryElement: .float64, rows: rows, into: doubles)
            for i in 0..<n { UnsafeMutableRawPointer(base).storeBytes(of: doubles[i] != 0, toByteOffset: i, as: Bool.self) }
        case (_, _) where elementType.isNumeric:
            try readRaw(memoryType: target.nativeTypeID!, memoryElement: target, rows: rows, into: base)
        default:
            throw HDF5Error.wrongType(file: file, key: key, expected: "a number or bool (\(target))", found: "\(elementType)")
        }
    }

    /// Reads the dataset (or some rows) as a Float32 ``Tensor`` of the same shape (rows sliced).
    ///
    /// - Parameter rows: Rows along the first axis; nil reads everything.
    /// - Returns: A tensor of shape `[rows.count] + shape[1...]` (`[]` for a scalar dataset).
    /// - Throws: As ``read(_:rows:)``; also ``HDF5Error/wrongRank(file:key:expected:found:)``
    ///   for rank above ``TensorShape/maxRank``.
    public func readTensor(rows: Range<Int>? = nil) throws -> Tensor {
        guard shape.count <= TensorShape.maxRank else {
            throw HDF5Error.wrongRank(file: file, key: key, expected: "≤ \(TensorShape.maxRank)", found: shape)
        }
        _ = try elementCount(rows: rows)
        var dims = shape
        if let rows, !dims.isEmpty { dims[0] = rows.count }
        return try Tensor(shape: TensorShape(dims)) { buffer in try read(into: buffer, rows: rows) }
    }

    /// Reads a scalar dataset (or the only element of a one-element dataset).
    /// - Throws: ``HDF5Error/wrongShape(file:key:expected:found:)`` if there is not exactly one element.
    public func readScalar<T: HDF5Scalar>(_ type: T.Type = T.self) throws -> T {
        guard count == 1 else { throw HDF5Error.wrongShape(file: file, key: key, expected: "a scalar", found: shape) }
        return try read(T.self)[0]
    }

    // MARK: - Strings

    /// Reads a string dataset (fixed-length or variable-length, scalar or one element).
    /// - Throws: ``HDF5Error/wrongType(file:key:expected:found:)`` if it does not hold strings,
    ///   ``HDF5Error/wrongShape(file:key:expected:found:)`` if it holds more than one.
    public func readString() throws -> String {
        let all = try readStrings()
        guard all.count == 1 else { throw HDF5Error.wrongShape(file: file, key: key, expected: "one string", found: shape) }
        return all[0]
    }

    /// Reads every string of a string dataset, row-major.
    /// - Throws: ``HDF5Error/wrongType(file:key:expected:found:)`` or ``HDF5Error/corrupt(file:key:reason:)``.
    public func readStrings() throws -> [String] {
        guard elementType == .string else {
            throw HDF5Error.wrongType(file: file, key: key, expected: "string", found: "\(elementType)")
        }
        HDF5Library.silence()
        let fileType = H5Dget_type(handle.id)
        guard fileType >= 0 else { throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage()) }
        defer { H5Tclose(fileType) }
        let n = count
        guard n > 0 else { return [] }
        if H5Tis_variable_str(fileType) > 0 {
            let memType = orl_vlen_string_type()
            defer { H5Tclose(memType) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            guard H5Dread(handle.id, memType, orl_h5s_all(), orl_h5s_all(), orl_h5p_default(), &pointers) >= 0 else {
                throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage())
            }
            defer { for p in pointers where p != nil { H5free_memory(p) } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        guard size > 0, size < 1 << 24, n < (1 << 30) / size else {
            throw HDF5Error.corrupt(file: file, key: key, reason: "string size \(size) × \(n) is implausible")
        }
        let memType = orl_string_type(size)
        defer { H5Tclose(memType) }
        var bytes = [UInt8](repeating: 0, count: n * size)
        guard H5Dread(handle.id, memType, orl_h5s_all(), orl_h5s_all(), orl_h5p_default(), &bytes) >= 0 else {
            throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage())
        }
        return (0..<n).map { i in
            let slice = bytes[(i * size)..<((i + 1) * size)]
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: - Internals

    /// Number of elements a selection of rows covers, validating the range.
    func elementCount(rows: Range<Int>?) throws -> Int {
        try checkPlausibleSize()
        guard let rows else { return count }
        guard !shape.isEmpty else {
            throw HDF5Error.invalidRequest(file: file, key: key, reason: "row selection \(rows) on a scalar dataset")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
            throw HDF5Error.invalidRequest(file: file, key: key,
                                           reason: "rows \(rows) outside 0..<\(shape[0]) (shape \(shape))")
        }
        return rows.count * rowWidth
    }

    /// Rejects a dataspace that declares far more data than the file stores (a damaged header),
    /// before anything is allocated: deflate cannot expand more than ~1032:1, so a dataset whose
    /// declared bytes exceed 1100 × its stored bytes + 64 MiB is reported as corrupt. (Sparse
    /// datasets made mostly of unwritten fill-value chunks are therefore not supported.)
    func checkPlausibleSize() throws {
        let declared = shape.reduce(1.0) { $0 * Double($1) } * Double(Swift.max(elementType.byteSize, 1))
        HDF5Library.silence()
        var stored = Double(H5Dget_storage_size(handle.id))
        let fileID = H5Iget_file_id(handle.id)
        if fileID >= 0 {
            var size: hsize_t = 0
            if H5Fget_filesize(fileID, &size) >= 0 { stored = Swift.min(stored, Double(size)) }
            H5Fclose(fileID)
        }
        if declared > stored * 1100 + 64 * 1024 * 1024 {
            _ = HDF5Library.takeErrorMessage()
            throw HDF5Error.corrupt(file: file, key: key,
                                    reason: "shape \(shape) declares \(Int(declared)) bytes but only \(Int(stored)) are stored")
        }
    }

    /// Reads the selection with libhdf5 converting to `memoryType`, using the parallel gzip path
    /// when the stored type already matches.
    func readRaw(memoryType: hid_t, memoryElement: HDF5ElementType, rows: Range<Int>?,
                 into destination: UnsafeMutableRawPointer) throws {
        HDF5Library.silence()
        if memoryElement == elementType, !hasOtherFilters, gzipLevel != nil, let chunkShape,
           shape.count >= 1, shape.count <= 2, memoryElement.byteSize > 0 {
            let reader = HDF5ChunkReader(dataset: self, chunkShape: chunkShape, elementSize: memoryElement.byteSize)
            if try reader.read(rows: rows ?? 0..<shape[0], into: destination) { return }
        }
        let status: herr_t
        if let rows, rows != 0..<shape[0] {
            if rows.isEmpty { return }
            let fileSpace = H5Dget_space(handle.id)
            defer { H5Sclose(fileSpace) }
            var start = [hsize_t](repeating: 0, count: shape.count)
            var extent = shape.map { hsize_t($0) }
            start[0] = hsize_t(rows.lowerBound)
            extent[0] = hsize_t(rows.count)
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, extent, nil)
            let memorySpace = H5Screate_simple(Int32(shape.count), extent, nil)
            defer { H5Sclose(memorySpace) }
            status = H5Dread(handle.id, memoryType, memorySpace, fileSpace, orl_h5p_default(), destination)
        } else {
            status = H5Dread(handle.id, memoryType, orl_h5s_all(), orl_h5s_all(), orl_h5p_default(), destination)
        }
        guard status >= 0 else {
            let message = HDF5Library.takeErrorMessage()
            if message.contains("not possible") || message.contains("conversion") {
                throw HDF5Error.wrongType(file: file, key: key, expected: "\(memoryElement)", found: "\(elementType) (\(message))")
            }
            throw HDF5Error.corrupt(file: file, key: key, reason: message)
        }
    }

    /// Reads an h5py boolean dataset's int8 codes and hands them to `body`.
    private func readBoolBytes(rows: Range<Int>?, _ body: (UnsafeMutablePointer<Int8>) throws -> Void) throws {
        let n = try elementCount(rows: rows)
        let bytes = UnsafeMutablePointer<Int8>.allocate(capacity: n)
        defer { bytes.deallocate() }
        let memType = orl_bool_type()
        defer { H5Tclose(memType) }
        try readRaw(memoryType: memType, memoryElement: .bool, rows: rows, into: bytes)
        try body(bytes)
    }

    /// Narrows doubles into a numeric destination of type `target`.
    private func convertDoubles(_ source: UnsafeMutablePointer<Double>, count n: Int,
                                into destination: UnsafeMutableRawPointer, as target: HDF5ElementType) throws {
        HDF5Library.silence()
        // Let libhdf5 do the conversion so rounding and clamping match a direct read.
        guard let memType = target.nativeTypeID else {
            throw HDF5Error.wrongType(file: file, key: key, expected: "\(target)", found: "\(elementType)")
        }
        if target == .float64 {
            destination.copyMemory(from: source, byteCount: n * 8)
            return
        }
        guard H5Tconvert(orl_native_double(), memType, n, source, nil, orl_h5p_default()) >= 0 else {
            throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage())
        }
        destination.copyMemory(from: source, byteCount: n * target.byteSize)
    }
}
