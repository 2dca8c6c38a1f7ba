import DynamicsModels
import LinearAlgebra
import NeuralNetworks

/// `orl bench rollout`: model rollouts as MOPO/MOBILE run them once per epoch (workload W3 of `Experiments/performance/README.md`):
/// 50,000 start states × 5 steps of a 7-member 4×200 SiLU ensemble (obs 17, action 6,
/// HalfCheetah, so no row terminates), with a random 17→256→256→12 ReLU tanh-Gaussian actor
/// sampling every action, written into a FIFO model buffer.
///
/// Two workloads:
/// - `rollout`: no penalty, so only the elite chosen for each row is evaluated
///   (``DynamicsEnsemble/step(_:_:memberStatistics:rng:)`` with `false`).
/// - `rollout-mopo`: the MOPO penalty needs every member's σ, so all 7 members run.
///
/// FLOPs count matmuls only, 2·m·n·k each, for the work actually done, per transition:
/// ```
/// actor              2·(17·256 + 256·256 + 256·12)            = 145,920
/// one member         2·(23·200 + 3·200·200 + 200·36)          = 263,600
/// rollout            actor + one member                        = 409,520   → 102.4 GFLOP for 250,000
/// rollout-mopo       actor + 7 members                         = 1,991,120 → 497.8 GFLOP for 250,000
/// ```
/// (The anchor's 135.1 / 530.5 GFLOP use a 3×256 actor.) The peak is the 1024³ sgemm rate timed
/// in alternation with the workload; `transitions_per_s` = transitions / median time.
public struct RolloutBenchmark: Sendable {
    /// Timed rounds (median reported).
    public var rounds: Int
    /// Start states per rollout.
    public var startStates: Int
    /// Steps per rollout.
    public var horizon: Int
    /// Start states per chunk.
    public var chunkSize: Int
    /// Split products across cores with single-threaded BLAS instead of OpenBLAS's own threads.
    public var parallel = true
    /// Also time the all-member MOPO rollout.
    public var includeMOPO = true

    /// Creates the benchmark.
    public init(rounds: Int = 3, startStates: Int = 50_000, horizon: Int = 5, chunkSize: Int = 2_000) {
        self.rounds = rounds
        self.startStates = startStates
        self.horizon = horizon
        self.chunkSize = chunkSize
    }

    /// Matmul FLOPs per transition: the actor plus one member, or plus all 7.
    public static func flopPerTransition(allMembers: Bool) -> Double {
        RolloutFixture.actorFlop + (allMembers ? 7 : 1) * RolloutFixture.memberFlop
    }

    /// Runs warm-up and the timed rounds.
    public func run() -> [BenchmarkResult] {
        Timing.withBLASThreading(singleThreadedBLAS: parallel, measure)
    }

    private func measure() -> [BenchmarkResult] {
        var rng = RandomGenerator(seed: 31)
        let fixture = RolloutFixture(startStates: startStates, rng: &rng)
        let (model, policy, starts) = (fixture.model, fixture.policy, fixture.starts)
        let rollout = ModelRollout(horizon: horizon, chunkSize: chunkSize)
        var buffer = ModelRollout.makeModelBuffer(rolloutBatchSize: startStates, horizon: horizon, retainEpochs: 1,
                                                  observationDimension: 17, actionDimension: 6)
        var added = 0
        var peak = PeakGemm(rng: &rng)
        var workloads: [() -> Void] = [{ peak.call() }, {
            added = rollout.run(model: model, startObservations: starts, policy: policy, into: &buffer, rng: &rng).transitionsAdded
        }]
        var addedMOPO = 0
        if includeMOPO {
            workloads.append {
                addedMOPO = rollout.run(model: model, startObservations: starts, policy: policy,
                                        penalty: MOPOPenalty(coefficient: 1), into: &buffer, rng: &rng).transitionsAdded
            }
        }
        let ms = Timing.interleavedMedians(rounds: rounds, calls: [3] + [Int](repeating: 1, count: workloads.count - 1), workloads)
        let peakGflops = PeakGemm.gflops(millisecondsPerCall: ms[0])
        var extra: [String: JSONValue] = [
            "kernel": .string(BLASRuntime.coreName), "blas_threads": .number(Double(BLASRuntime.threads)),
            "workers": .number(Double(parallel ? ParallelGemm.workers : 1)), "chunk_size": .number(Double(chunkSize)),
            "start_states": .number(Double(startStates)), "horizon": .number(Double(horizon)),
        ]
        func result(_ name: String, _ milliseconds: Double, transitions: Int, allMembers: Bool) -> BenchmarkResult {
            extra["transitions"] = .number(Double(transitions))
            extra["transitions_per_s"] = .number(Double(transitions) / (milliseconds / 1000))
            extra["members_evaluated"] = .number(allMembers ? 7 : 1)
            return BenchmarkResult(workload: name, medianMs: milliseconds,
                                   gflop: Double(transitions) * Self.flopPerTransition(allMembers: allMembers) / 1e9,
                                   peakGflops: peakGflops, extra: extra)
        }
        var results = [result("rollout", ms[1], transitions: added, allMembers: false)]
        if includeMOPO { results.append(result("rollout-mopo", ms[2], transitions: addedMOPO, allMembers: true)) }
        return results
    }
}
