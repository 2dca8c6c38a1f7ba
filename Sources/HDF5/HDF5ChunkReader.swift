import CHDF5
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Reads gzip-compressed chunked datasets fast: raw chunks are fetched with `H5Dread_chunk`
/// (serial, as libhdf5 requires), then inflated and scattered into the destination on all cores.
///
/// libhdf5 inflates chunk after chunk on one thread; D4RL's 1M-row arrays are ~1000 chunks of
/// ~64 KB, so spreading the inflation is where the time goes. Anything unusual (a chunk never
/// written, an implausible chunk size, a missing zlib) makes ``read(rows:into:)`` return `false`
/// so the caller falls back to `H5Dread`, which then gives correct data or a typed error.
struct HDF5ChunkReader {
    let dataset: HDF5Dataset
    let chunkShape: [Int]
    let elementSize: Int

    /// Chunks fetched per batch, bounding the compressed bytes held at once.
    static let batchSize = 256

    /// Reads `rows` (all columns) into `destination`; returns false if the fast path does not apply.
    func read(rows: Range<Int>, into destination: UnsafeMutableRawPointer) throws -> Bool {
        let shape = dataset.shape
        let columns = shape.count == 2 ? shape[1] : 1
        let chunkRows = chunkShape[0]
        let chunkColumns = shape.count == 2 ? chunkShape[1] : 1
        guard !rows.isEmpty else { return true }
        guard chunkRows > 0, chunkColumns > 0, columns > 0 else { return false }
        let chunkBytes = chunkRows * chunkColumns * elementSize
        guard chunkBytes <= 1 << 26, orl_zlib_uncompress() != nil else { return false }

        let firstChunkRow = rows.lowerBound / chunkRows
        let lastChunkRow = (rows.upperBound - 1) / chunkRows
        let columnChunks = (columns + chunkColumns - 1) / chunkColumns
        var offsets = [(Int, Int)]()
        offsets.reserveCapacity((lastChunkRow - firstChunkRow + 1) * columnChunks)
        for r in firstChunkRow...lastChunkRow {
            for c in 0..<columnChunks { offsets.append((r * chunkRows, c * chunkColumns)) }
        }

        let maxStored = chunkBytes + chunkBytes / 8 + 4096
        var start = 0
        while start < offsets.count {
            let batch = Array(offsets[start..<min(start + Self.batchSize, offsets.count)])
            guard try readBatch(batch, rows: rows, columns: columns, chunkRows: chunkRows, chunkColumns: chunkColumns,
                                chunkBytes: chunkBytes, maxStored: maxStored, into: destination) else { return false }
            start += batch.count
        }
        return true
    }

    // swiftlint:disable:next function_parameter_count
    private func readBatch(_ batch: [(Int, Int)], rows: Range<Int>, columns: Int, chunkRows: Int, chunkColumns: Int,
                           chunkBytes: Int, maxStored: Int, into destination: UnsafeMutableRawPointer) throws -> Bool {
        // 1. Fetch the raw (compressed) chunks serially.
        var sizes = [Int](repeating: 0, count: batch.count)
        var masks = [UInt32](repeating: 0, count: batch.count)
        var starts = [Int](repeating: 0, count: batch.count + 1)
        let rank = dataset.shape.count
        for (i, (r, c)) in batch.enumerated() {
            var offset: [hsize_t] = rank == 2 ? [hsize_t(r), hsize_t(c)] : [hsize_t(r)]
            var stored: hsize_t = 0
            guard H5Dget_chunk_storage_size(dataset.handle.id, &offset, &stored) >= 0, stored > 0,
                  Int(clamping: stored) <= maxStored else {
                _ = HDF5Library.takeErrorMessage()
                return false
            }
            sizes[i] = Int(stored)
            starts[i + 1] = starts[i] + sizes[i]
        }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(starts[batch.count], 1), alignment: 64)
        defer { arena.deallocate() }
        for (i, (r, c)) in batch.enumerated() {
            var offset: [hsize_t] = rank == 2 ? [hsize_t(r), hsize_t(c)] : [hsize_t(r)]
            var mask: UInt32 = 0
            guard H5Dread_chunk(dataset.handle.id, orl_h5p_default(), &offset, &mask, arena + starts[i]) >= 0 else {
                throw HDF5Error.corrupt(file: dataset.file, key: dataset.key, reason: HDF5Library.takeErrorMessage())
            }
            masks[i] = mask
        }

        // 2. Inflate and scatter in parallel; each chunk writes a disjoint part of the destination.
        let failures = UnsafeMutablePointer<Int32>.allocate(capacity: batch.count)
        failures.initialize(repeating: 0, count: batch.count)
        defer { failures.deallocate() }
        let workers = max(1, min(batch.count, ProcessInfoCores.count))
        let perWorker = (batch.count + workers - 1) / workers
        let elementSize = self.elementSize
        let shared = SharedPointers(arena: arena, destination: destination, failures: failures)
        let (storedSizes, chunkStarts, filterMasks) = (sizes, starts, masks)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let (arena, destination, failures) = (shared.arena, shared.destination, shared.failures)
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: 64)
            defer { scratch.deallocate() }
            for i in (worker * perWorker)..<min((worker + 1) * perWorker, batch.count) {
                let source = arena + chunkStarts[i]
                let chunk: UnsafeRawPointer
                if filterMasks[i] & 1 == 0 {
                    let produced = orl_inflate(scratch, UInt(chunkBytes), source, UInt(storedSizes[i]))
                    guard produced == chunkBytes else { failures[i] = 1; continue }
                    chunk = UnsafeRawPointer(scratch)
                } else {
                    guard storedSizes[i] == chunkBytes else { failures[i] = 1; continue }
                    chunk = UnsafeRawPointer(source)
                }
                let (r0, c0) = batch[i]
                let width = min(chunkColumns, columns - c0)
                let rowFrom = max(r0, rows.lowerBound), rowTo = min(r0 + chunkRows, rows.upperBound)
                if rowFrom >= rowTo { continue }
                if width == 1 && elementSize == 4 {
                    let src = chunk.assumingMemoryBound(to: UInt32.self)
                    let dst = destination.assumingMemoryBound(to: UInt32.self)
                    for r in rowFrom..<rowTo {
                        dst[(r - rows.lowerBound) * columns + c0] = src[(r - r0) * chunkColumns]
                    }
                } else {
                    let bytes = width * elementSize
                    for r in rowFrom..<rowTo {
                        (destination + ((r - rows.lowerBound) * columns + c0) * elementSize)
                            .copyMemory(from: chunk + (r - r0) * chunkColumns * elementSize, byteCount: bytes)
                    }
                }
            }
        }
        for i in 0..<batch.count where failures[i] != 0 {
            let (r, c) = batch[i]
            throw HDF5Error.corrupt(file: dataset.file, key: dataset.key,
                                    reason: "gzip chunk at row \(r), column \(c) does not inflate to \(chunkBytes) bytes")
        }
        return true
    }
}

/// Pointers handed to the inflating workers; each worker writes only its own chunks' disjoint
/// parts of `destination` and its own `failures` slots.
private struct SharedPointers: @unchecked Sendable {
    let arena: UnsafeMutableRawPointer
    let destination: UnsafeMutableRawPointer
    let failures: UnsafeMutablePointer<Int32>
}

/// The number of cores to inflate on.
enum ProcessInfoCores {
    static let count: Int = {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? Int(n) : 1
    }()
}
