import LinearAlgebra

/// The sgemm peak that network benchmarks report their ratio against: 1024³ products through
/// ``Tensor/gemm(_:_:into:transposeA:transposeB:alpha:beta:)`` into a preallocated output,
/// timed in alternation with the workload so that a slow period of the machine hits both.
public struct PeakGemm {
    let a: Tensor, b: Tensor
    var c: Tensor

    /// FLOPs of one product.
    public static let gflopPerCall = 2.0 * 1024 * 1024 * 1024 / 1e9

    /// Creates the operands.
    public init(rng: inout RandomGenerator) {
        a = Tensor.normal([1024, 1024], rng: &rng)
        b = Tensor.normal([1024, 1024], rng: &rng)
        c = Tensor.zeros([1024, 1024])
    }

    /// One product, with OpenBLAS running one thread per core (restored afterwards), so the peak
    /// is the whole machine's even while a workload runs single-threaded BLAS across its own
    /// worker threads.
    public mutating func call() {
        let saved = BLASRuntime.threads
        if saved != ParallelGemm.workers { BLASRuntime.threads = ParallelGemm.workers }
        Tensor.gemm(a, b, into: &c)
        if saved != ParallelGemm.workers { BLASRuntime.threads = saved }
    }

    /// GFLOP/s given milliseconds per product.
    public static func gflops(millisecondsPerCall ms: Double) -> Double { gflopPerCall / (ms / 1000) }
}
