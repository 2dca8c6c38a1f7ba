import LinearAlgebra

/// The sgemm peak that network benchmarks report their ratio against: 1024³ products into a
/// preallocated output, through OpenBLAS's threads (``call()``) and split across cores
/// (``callSplit()``), the faster of the two, timed in alternation with the workload so that a
/// slow period of the machine hits both.
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

    /// One product split across cores with single-threaded BLAS
    /// (``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:)``), the other way to
    /// run it; the reported peak is the faster of the two, so ratios never flatter a workload
    /// that uses one of them when the machine is busy.
    public mutating func callSplit() {
        BLASRuntime.withThreads(1) { Tensor.parallelGemm(a, b, into: &c) }
    }

    /// GFLOP/s given milliseconds per product.
    public static func gflops(millisecondsPerCall ms: Double) -> Double { gflopPerCall / (ms / 1000) }
}
