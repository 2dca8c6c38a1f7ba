#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps freed tensor buffers of at least ``minimumCount`` floats for reuse by a later tensor of
/// exactly the same element count.
///
/// A training step allocates the same large shapes every time (activations, gradients). Without
/// reuse, the allocator hands pages back to the kernel between steps and the next step pays a
/// page fault and a page clear per 4 KiB; on the SAC and dynamics benchmarks that was 3–5% of
/// the time. The pool holds at most ``capacityBytes`` bytes; beyond that buffers are freed.
/// Reuse never changes results: a tensor's storage is uninitialised by contract either way.
@usableFromInline
final class BufferPool: @unchecked Sendable {
    // @unchecked Sendable: every access to `free` and `heldBytes` holds `lock`.
    @usableFromInline static let shared = BufferPool()

    /// Smaller buffers go straight to malloc, whose per-thread caches serve them well.
    @usableFromInline static let minimumCount = 16_384
    /// Upper bound on the bytes held for reuse.
    static let capacityBytes = 256 << 20

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var free = [Int: [UnsafeMutablePointer<Float>]]()
    private var heldBytes = 0

    private init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    /// A buffer of exactly `count` floats from the pool, or `nil` if none is held.
    @usableFromInline
    func take(count: Int) -> UnsafeMutablePointer<Float>? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard let pointer = free[count]?.popLast() else { return nil }
        heldBytes -= count * MemoryLayout<Float>.stride
        return pointer
    }

    /// Keeps `pointer` (a buffer of `count` floats) for reuse; `false` if the pool is full and the
    /// caller must free it.
    @usableFromInline
    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        let bytes = count * MemoryLayout<Float>.stride
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard heldBytes + bytes <= BufferPool.capacityBytes else { return false }
        free[count, default: []].append(pointer)
        heldBytes += bytes
        return true
    }
}
