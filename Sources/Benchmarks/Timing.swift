import LinearAlgebra

/// Monotonic wall-clock timing for benchmarks.
public enum Timing {
    /// Seconds on a monotonic clock.
    public static func now() -> Double { monotonicSeconds() }

    /// Milliseconds per call of `body`, timed over `calls` back-to-back calls.
    public static func millisecondsPerCall(calls: Int, _ body: () -> Void) -> Double {
        let start = now()
        for _ in 0..<calls { body() }
        return (now() - start) * 1000 / Double(calls)
    }

    /// Runs `body` with OpenBLAS on its fast path and, when `singleThreadedBLAS`, with one BLAS
    /// thread (products then split across cores by ``LinearAlgebra/ParallelGemm``), held as
    /// trainers hold it (``LinearAlgebra/BLASRuntime/beginSingleThreaded()``).
    public static func withBLASThreading<R>(singleThreadedBLAS: Bool, _ body: () -> R) -> R {
        BLASRuntime.ensureFastPath()
        guard singleThreadedBLAS else { return body() }
        return BLASRuntime.withThreads(1, body)     // a counted hold, as the trainers take
    }

    /// The median of `values` (the mean of the middle two for an even count).
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Medians of several workloads measured in alternation (round-robin), so that a slow period
    /// of the machine affects all of them alike. Each round times `calls[i]` calls of workload i.
    public static func interleavedMedians(rounds: Int, warmupRounds: Int = 1, calls: [Int],
                                          _ workloads: [() -> Void]) -> [Double] {
        precondition(calls.count == workloads.count, "interleavedMedians: one call count per workload")
        var samples = [[Double]](repeating: [], count: workloads.count)
        for round in 0..<(warmupRounds + rounds) {
            for (i, work) in workloads.enumerated() {
                let ms = millisecondsPerCall(calls: calls[i], work)
                if round >= warmupRounds { samples[i].append(ms) }
            }
        }
        return samples.map(median)
    }
}
