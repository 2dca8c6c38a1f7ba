import Dispatch
import Testing
import LinearAlgebra

/// The fork-join pool behind the parallel loops: every iteration runs exactly once, calls from
/// inside an iteration and from several threads at once run to completion, and SIMD8 FastMath.exp
/// matches the scalar version bit for bit.
@Suite("Worker pool", .serialized)
struct WorkerPoolTests {
    /// Counts per index, written by whichever thread runs the iteration.
    final class Counts: @unchecked Sendable {
        // @unchecked: each iteration writes only its own slot.
        let slots: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) {
            self.count = count
            slots = .allocate(capacity: count)
            slots.initialize(repeating: 0, count: count)
        }
        deinit { slots.deallocate() }
        var all: [Int] { Array(UnsafeBufferPointer(start: slots, count: count)) }
    }

    @Test("each iteration runs once, for many job sizes in a row")
    func everyIterationOnce() {
        for n in [1, 2, 3, 7, 64, 1000] {
            for _ in 0..<50 {
                let counts = Counts(n)
                WorkerPool.run(iterations: n) { i in counts.slots[i] += 1 }
                #expect(counts.all == [Int](repeating: 1, count: n), "n = \(n)")
            }
        }
    }

    @Test("nested calls and calls from several threads complete")
    func nestedAndConcurrent() {
        let outer = Counts(4 * 8)
        WorkerPool.run(iterations: 4) { i in
            WorkerPool.run(iterations: 8) { j in outer.slots[i * 8 + j] += 1 }
        }
        #expect(outer.all == [Int](repeating: 1, count: 32))
        let shared = Counts(6 * 100)
        DispatchQueue.concurrentPerform(iterations: 6) { t in
            for _ in 0..<20 { WorkerPool.run(iterations: 100) { i in shared.slots[t * 100 + i] += 1 } }
        }
        #expect(shared.all == [Int](repeating: 20, count: 600))
    }

    @Test("SIMD8 exp equals the scalar exp in every lane")
    func simdExpMatchesScalar() {
        var rng = RandomGenerator(seed: 4)
        for _ in 0..<2000 {
            var x = SIMD8<Float>()
            for k in 0..<8 { x[k] = rng.uniform() * 200 - 100 }
            let v = FastMath.exp(x)
            for k in 0..<8 { #expect(v[k].bitPattern == FastMath.exp(x[k]).bitPattern, "x = \(x[k])") }
        }
    }
}
