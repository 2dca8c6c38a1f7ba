import CArmadillo
import LinearAlgebra

/// `orl bench gemm`: sgemm through the raw C shim and through the ``Tensor`` API.
///
/// Workloads: 256³, 1024³ and the ensemble shape 7 × (256×200 · 200×200). The peak is 1024³
/// through the shim, measured in the same run; every `ratio` is relative to it. Shim and tensor
/// versions of each shape are timed in alternation so that machine noise hits both alike.
public struct GemmBenchmark: Sendable {
    /// Timed rounds per workload (the median is reported).
    public var rounds = 9
    /// A benchmark with `rounds` timed rounds per workload.
    public init(rounds: Int = 9) { self.rounds = rounds }

    /// Runs every workload and returns one result per workload, the peak first.
    public func run() -> [BenchmarkResult] {
        BLASRuntime.ensureFastPath()
        var rng = RandomGenerator(seed: 7)
        let kernel: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "threads": .number(Double(BLASRuntime.threads)),
        ]

        let peakMs = Self.shimAndTensor(m: 1024, k: 1024, n: 1024, rounds: rounds, calls: (3, 3), rng: &rng)
        let peakGflop = 2.0 * 1024 * 1024 * 1024 / 1e9
        let peak = peakGflop / (peakMs.shim / 1000)
        var results = [BenchmarkResult]()
        func add(_ name: String, _ ms: (shim: Double, tensor: Double), gflop: Double) {
            results.append(BenchmarkResult(workload: "gemm-shim-\(name)", medianMs: ms.shim, gflop: gflop,
                                           peakGflops: peak, extra: kernel))
            var extra = kernel
            extra["ratio_to_shim"] = .number(ms.shim / ms.tensor)
            results.append(BenchmarkResult(workload: "gemm-tensor-\(name)", medianMs: ms.tensor, gflop: gflop,
                                           peakGflops: peak, extra: extra))
        }
        add("1024", peakMs, gflop: peakGflop)
        let small = Self.shimAndTensor(m: 256, k: 256, n: 256, rounds: rounds, calls: (100, 100), rng: &rng)
        add("256", small, gflop: 2.0 * 256 * 256 * 256 / 1e9)
        let ensemble = Self.ensemble(rounds: rounds, rng: &rng)
        add("ensemble-7x256x200x200", ensemble, gflop: 7 * 2.0 * 256 * 200 * 200 / 1e9)
        return results
    }

    /// Milliseconds per m×k·k×n product through the shim and through `Tensor.matmul`.
    static func shimAndTensor(m: Int, k: Int, n: Int, rounds: Int, calls: (Int, Int),
                              rng: inout RandomGenerator) -> (shim: Double, tensor: Double) {
        let a = Tensor.normal([m, k], rng: &rng), b = Tensor.normal([k, n], rng: &rng)
        var c = Tensor.zeros([m, n])
        let ms = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Timing.interleavedMedians(rounds: rounds, calls: [calls.0, calls.1], [
                        { orl_sgemm(0, 0, Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(k),
                                    pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n)) },
                        { _ = a.matmul(b) },
                    ])
                }
            }
        }
        return (ms[0], ms[1])
    }

    /// The ensemble product 7 × ([256, 200] · [200, 200]) through the batched shim and the tensor API.
    static func ensemble(rounds: Int, rng: inout RandomGenerator) -> (shim: Double, tensor: Double) {
        let e = 7, m = 256, k = 200, n = 200
        let a = Tensor.normal([e, m, k], rng: &rng), b = Tensor.normal([e, k, n], rng: &rng)
        var c = Tensor.zeros([e, m, n])
        let ms = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Timing.interleavedMedians(rounds: rounds, calls: [50, 50], [
                        { orl_sgemm_batched(Int32(e), 0, 0, Int32(m), Int32(n), Int32(k), 1,
                                            pa.baseAddress, Int32(k), Int64(m * k), pb.baseAddress, Int32(n),
                                            Int64(k * n), 0, pc.baseAddress, Int32(n), Int64(m * n)) },
                        { _ = a.matmul(b) },
                    ])
                }
            }
        }
        return (ms[0], ms[1])
    }
}
