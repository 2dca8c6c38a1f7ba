/// The heap buffer behind a ``Tensor``: a 64-byte-aligned block of `Float`s, freed (or, if large,
/// kept by ``BufferPool`` for reuse) on `deinit`.
///
/// Tensors share a storage until one of them writes; the writer then copies (copy-on-write),
/// so a storage is only ever mutated through a uniquely referenced tensor.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    // Sendable: after creation the buffer is written only through a uniquely referenced
    // tensor (checked with isKnownUniquelyReferenced), never through a shared one.
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let capacity: Int

    /// Alignment for SIMD loads and BLAS panels (one cache line, one AVX-512 register).
    @usableFromInline static let alignment = 64

    /// Allocates uninitialised space for `capacity` floats.
    /// Large buffers come from ``BufferPool`` when it holds one of this size.
    @inlinable
    init(capacity: Int) {
        self.capacity = capacity
        if capacity >= BufferPool.minimumCount, let reused = BufferPool.shared.take(count: capacity) {
            pointer = reused
            return
        }
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(capacity, 1) * MemoryLayout<Float>.stride, alignment: TensorStorage.alignment)
        pointer = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    /// Allocates space for `capacity` floats, all set to `value`.
    @inlinable
    convenience init(capacity: Int, repeating value: Float) {
        self.init(capacity: capacity)
        pointer.initialize(repeating: value, count: capacity)
    }

    /// A new storage holding a copy of the first `count` floats.
    @inlinable
    func copy(count: Int) -> TensorStorage {
        let result = TensorStorage(capacity: count)
        result.pointer.initialize(from: pointer, count: count)
        return result
    }

    deinit {
        if capacity >= BufferPool.minimumCount && BufferPool.shared.give(pointer, count: capacity) { return }
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
