import CHDF5

/// A dataset inside an HDF5 file: an n-dimensional array of one element type.
///
/// Read it whole or by rows (a hyperslab along the first axis), as `[T]`, into a ``Tensor``, or
/// straight into a caller's buffer; see `HDF5Dataset+Read.swift`.
public final class HDF5Dataset: @unchecked Sendable {
    // Sendable: immutable after init; libhdf5 is built thread-safe.
    let handle: HDF5Handle
    /// The file's path, for error messages.
    public let file: String
    /// The dataset's key from the root (`"infos/qpos"`).
    public let key: String
    /// The dimensions; empty for a scalar dataset.
    public let shape: [Int]
    /// The element type.
    public let elementType: HDF5ElementType
    /// The chunk dimensions, or nil for contiguous or compact storage.
    public let chunkShape: [Int]?
    /// The gzip (deflate) level if the dataset is gzip-compressed.
    public let gzipLevel: Int?
    /// Whether any filter other than gzip is applied (shuffle, szip, ...).
    public let hasOtherFilters: Bool

    init(handle: HDF5Handle, file: String, key: String) throws {
        self.handle = handle
        self.file = file
        self.key = key
        HDF5Library.silence()
        let space = H5Dget_space(handle.id)
        guard space >= 0 else { throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage()) }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else {
            throw HDF5Error.corrupt(file: file, key: key, reason: "invalid dataspace rank \(rank)")
        }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = dims.map { Int(clamping: $0) }
        let type = H5Dget_type(handle.id)
        guard type >= 0 else { throw HDF5Error.corrupt(file: file, key: key, reason: HDF5Library.takeErrorMessage()) }
        elementType = HDF5ElementType(typeID: type)
        H5Tclose(type)

        let dcpl = H5Dget_create_plist(handle.id)
        defer { if dcpl >= 0 { H5Pclose(dcpl) } }
        var chunk: [Int]? = nil
        var level: Int? = nil
        var others = false
        if dcpl >= 0, H5Pget_layout(dcpl) == H5D_CHUNKED {
            var chunkDims = [hsize_t](repeating: 0, count: max(Int(rank), 1))
            let n = H5Pget_chunk(dcpl, Int32(max(rank, 1)), &chunkDims)
            if n == rank { chunk = chunkDims.prefix(Int(rank)).map { Int(clamping: $0) } }
            let filters = H5Pget_nfilters(dcpl)
            for index in 0..<max(filters, 0) {
                var flags: UInt32 = 0
                var count = 8
                var values = [UInt32](repeating: 0, count: 8)
                var config: UInt32 = 0
                let id = H5Pget_filter2(dcpl, UInt32(index), &flags, &count, &values, 0, nil, &config)
                if id == H5Z_FILTER_DEFLATE { level = count > 0 ? Int(values[0]) : 0 } else { others = true }
            }
        }
        _ = HDF5Library.takeErrorMessage()
        chunkShape = chunk
        gzipLevel = level
        hasOtherFilters = others
    }

    /// The number of rows (the first dimension; 1 for a scalar).
    public var rowCount: Int { shape.first ?? 1 }
    /// The number of elements in one row (the product of all but the first dimension).
    public var rowWidth: Int { shape.dropFirst().reduce(1, *) }
    /// The total number of elements.
    public var count: Int { shape.reduce(1, *) }
}
