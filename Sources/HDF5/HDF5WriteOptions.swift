/// How a dataset is stored: contiguous, or chunked and optionally gzip-compressed.
///
/// ``h5pyGzip`` reproduces `h5py.create_dataset(..., compression="gzip")`, which is how D4RL's
/// files were written: gzip level 4 with chunks chosen by h5py's `guess_chunk` rule.
public struct HDF5WriteOptions: Sendable, Equatable {
    /// The gzip (deflate) level 0–9, or nil for no compression.
    public var gzipLevel: Int?
    /// Explicit chunk dimensions (same rank as the data); nil with compression means h5py's guess.
    public var chunkShape: [Int]?

    /// Creates storage options.
    /// - Parameters:
    ///   - gzipLevel: Deflate level 0–9, or nil for none.
    ///   - chunkShape: Chunk dimensions; nil lets compressed datasets use h5py's guess, and
    ///     leaves uncompressed ones contiguous.
    public init(gzipLevel: Int? = nil, chunkShape: [Int]? = nil) {
        self.gzipLevel = gzipLevel
        self.chunkShape = chunkShape
    }

    /// Contiguous, uncompressed storage (h5py's default).
    public static let contiguous = HDF5WriteOptions()
    /// What `compression="gzip"` does in h5py (and therefore in D4RL's files): level 4, guessed chunks.
    public static let h5pyGzip = HDF5WriteOptions(gzipLevel: 4)

    /// The chunk dimensions to use for data of `shape` with `elementSize`-byte elements, or nil for
    /// contiguous storage (scalars, empty data, or no compression and no explicit chunks).
    public func resolvedChunkShape(for shape: [Int], elementSize: Int) -> [Int]? {
        guard !shape.isEmpty, !shape.contains(0) else { return nil }
        if let chunkShape {
            return zip(chunkShape, shape).map { Swift.max(1, Swift.min($0, $1)) }
        }
        guard gzipLevel != nil else { return nil }
        return Self.guessChunk(shape: shape, elementSize: elementSize)
    }

    /// h5py's `guess_chunk` (h5py/_hl/filters.py): halve the dimensions in turn until a chunk is
    /// within 50 % of a target that grows with the dataset (8 KiB to 1 MiB).
    ///
    /// ```
    /// target = clamp(16 KiB · 2^log10(size / 1 MiB), 8 KiB, 1 MiB)
    /// ```
    public static func guessChunk(shape: [Int], elementSize: Int) -> [Int] {
        let base = 16.0 * 1024, minimum = 8.0 * 1024, maximum = 1024.0 * 1024
        var chunks = shape.map { Double($0 == 0 ? 1024 : $0) }
        let datasetBytes = chunks.reduce(1, *) * Double(elementSize)
        var target = base * pow2(log10(datasetBytes / (1024 * 1024)))
        target = Swift.min(Swift.max(target, minimum), maximum)
        var index = 0
        while true {
            let chunkBytes = chunks.reduce(1, *) * Double(elementSize)
            if (chunkBytes < target || Swift.abs(chunkBytes - target) / target < 0.5) && chunkBytes < maximum { break }
            if chunks.reduce(1, *) == 1 { break }
            let axis = index % chunks.count
            chunks[axis] = (chunks[axis] / 2).rounded(.up)
            index += 1
        }
        return chunks.map { Int($0) }
    }

    private static func pow2(_ x: Double) -> Double { exp2(x) }
}

#if canImport(Glibc)
import Glibc
#endif
