import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OfflineData

/// `orl bench load`: reading a 1M-transition, halfcheetah-sized D4RL file (written by the
/// benchmark with our writer, gzip as D4RL) through ``D4RLFile`` versus h5py reading the same
/// arrays in the same run, and sampling 256-transition batches from a replay buffer.
///
/// `ratio` for the load workload is h5py's time divided by ours (≥ 1 means we are at least as
/// fast). h5py runs in `$ORL_PYTHON` or `.venv-test/bin/python`; without it the result says so.
public struct LoadBenchmark: Sendable {
    /// Timed rounds (the median is reported).
    public var rounds: Int
    /// Transitions in the generated file.
    public var transitions: Int

    /// A benchmark of `rounds` timed loads of a generated file with `transitions` rows.
    public init(rounds: Int = 3, transitions: Int = 1_000_000) {
        self.rounds = rounds
        self.transitions = transitions
    }

    /// Runs both workloads.
    public func run() throws -> [BenchmarkResult] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orl-bench-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("halfcheetah-bench.hdf5").path
        var rng = RandomGenerator(seed: 1)
        let n = transitions
        var terminals = [Bool](repeating: false, count: n), timeouts = terminals
        for i in stride(from: 999, to: n, by: 1000) { timeouts[i] = true }
        terminals[n / 2] = true
        let data = try OfflineDataset(source: "bench", observations: .normal([n, 17], rng: &rng),
                                      actions: .uniform([n, 6], low: -1, high: 1, rng: &rng),
                                      rewards: .normal([n], rng: &rng), terminals: terminals, timeouts: timeouts,
                                      nextObservations: .normal([n, 17], rng: &rng))
        try D4RLFile.write(data, to: path)

        var ours = [Double]()
        for _ in 0..<(rounds + 1) {
            let start = Timing.now()
            _ = try D4RLFile.load(path: path)
            ours.append((Timing.now() - start) * 1000)
        }
        let ourMs = Timing.median(Array(ours.dropFirst()))
        var extra: [String: JSONValue] = ["transitions": .number(Double(n)), "our_ms": .number(ourMs)]
        switch Self.h5pyMilliseconds(path: path, rounds: rounds) {
        case let .success(h5pyMs):
            extra["h5py_ms"] = .number(h5pyMs)
            extra["ratio"] = .number(h5pyMs / ourMs)
        case let .failure(message):
            extra["h5py"] = .string("unavailable: \(message)")
        }
        var results = [BenchmarkResult(workload: "load-d4rl-halfcheetah-1M", medianMs: ourMs, extra: extra)]

        let buffer = ReplayBuffer(data.qlearningTransitions())
        var batch = TransitionBatch(batchSize: 256, observationDimension: 17, actionDimension: 6)
        let calls = 2000
        let before = Self.mallocCount()
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [calls], [{ buffer.sample(into: &batch, rng: &rng) }])[0]
        let heapGrowth = Double(Self.mallocCount() - before) / Double((rounds + 1) * calls)
        results.append(BenchmarkResult(workload: "sample-batch-256", medianMs: ms,
                                       extra: ["heap_growth_bytes_per_batch": .number(heapGrowth)]))
        return results
    }

    /// Heap bytes in use (glibc `mallinfo2().uordblks`): sampling that allocates per batch grows it.
    static func mallocCount() -> Int { Int(orl_heap_bytes_in_use()) }

    enum H5pyOutcome { case success(Double), failure(String) }

    /// h5py's median milliseconds to read the same six arrays (`f[k][()]`) in one process.
    static func h5pyMilliseconds(path: String, rounds: Int) -> H5pyOutcome {
        let env = ProcessInfo.processInfo.environment
        var candidates = [String]()
        if let p = env["ORL_PYTHON"], !p.isEmpty { candidates.append(p) }
        if let root = DatasetRegistry.packageDatasetsDirectory() {
            candidates.append(((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".venv-test/bin/python"))
        }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure("no python with h5py (set ORL_PYTHON or run scripts/setup --test)")
        }
        let script = """
        import sys, time, h5py
        keys = ['observations', 'actions', 'rewards', 'terminals', 'timeouts', 'next_observations']
        times = []
        for r in range(int(sys.argv[2]) + 1):
            t = time.perf_counter()
            with h5py.File(sys.argv[1], 'r') as f:
                arrays = {k: f[k][()] for k in keys}
            times.append((time.perf_counter() - t) * 1000)
        times = sorted(times[1:]); m = len(times) // 2
        print(times[m] if len(times) % 2 else (times[m - 1] + times[m]) / 2)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path, String(rounds)]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return .failure("\(python) did not start: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let ms = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return .failure("h5py run failed: \(String(decoding: errors, as: UTF8.self).suffix(200))")
        }
        return .success(ms)
    }
}
