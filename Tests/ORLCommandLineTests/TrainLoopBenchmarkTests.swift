import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import Benchmarks
import OfflineRL

/// `orl bench train`'s measurement: the loop's phases account for all of its training time, the
/// counts follow the preset's rollout interval, and the projection is the preset's updates at the
/// measured rate. No absolute time is asserted.
@Suite("orl bench train: the whole-loop benchmark", .serialized)
struct TrainLoopBenchmarkTests {
    static func measure(_ algorithm: String, updates: Int) throws -> [String: Double] {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 30)
        var benchmark = TrainLoopBenchmark(algorithm: algorithm, dataset: data, updates: updates, registry: AlgorithmRegistry.standard)
        // Small networks and rollouts, a rollout every 100 updates: the same loop in seconds.
        benchmark.layers = [.object(["rolloutBatchSize": .number(500), "rolloutInterval": .number(100), "stepsPerEpoch": .number(100),
                                     "sac": .object(["hiddenSizes": .array([.number(32), .number(32)])])])]
        let result = try benchmark.run()
        #expect(result.workload == "train-\(algorithm)")
        var numbers: [String: Double] = ["ms_per_update": result.medianMs]
        for (key, value) in result.extra { if case let .number(x) = value { numbers[key] = x } }
        return numbers
    }

    @Test(arguments: ["mopo", "morec-mopo"])
    func phasesAddUpAndTheProjectionFollowsTheRate(algorithm: String) throws {
        let m = try Self.measure(algorithm, updates: 250)
        #expect(m["updates"] == 250)
        #expect(m["rollouts"] == 3, "a rollout every 100 updates from step 0")
        let shares = ["share_update", "share_rollout", "share_rollout_filter_penalty", "share_sampling", "share_other"].map { m[$0] ?? -1 }
        #expect(shares.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(shares)")
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9, "the phases must account for the loop's training time: \(shares)")
        #expect(shares[0] > 0 && shares[1] > 0 && shares[3] > 0)
        if algorithm.hasPrefix("morec") { #expect(shares[2] > 0, "MOREC's filter runs in every rollout step") }
        let hours = try #require(m["projected_paper_hours"]), perUpdate = try #require(m["ms_per_update"])
        #expect(abs(hours - 3_000_000 * perUpdate / 1000 / 3600) <= 1e-9 * hours)
        #expect(try #require(m["projected_paper_hours_with_evaluation"]) >= hours)
        #expect(abs(try #require(m["updates_per_s"]) * perUpdate / 1000 - 1) < 1e-9)
    }

    /// `orl bench dynamics-fit`: the first epoch is not timed, and the FLOP count follows the split
    /// (20% holdout, capped at 1,000 rows) and the 256-row steps.
    @Test func dynamicsFitEpochsAreCountedFromTheSplit() throws {
        let result = try #require(try DynamicsFitBenchmark(transitions: 3_000, epochs: 3).run().first)
        var m: [String: Double] = [:]
        for (key, value) in result.extra { if case let .number(x) = value { m[key] = x } }
        #expect(m["train_rows"] == 2_400 && m["holdout_rows"] == 600 && m["epochs_timed"] == 2)
        let perRow = 2.0 * Double(23 * 200 + 3 * 200 * 200 + 200 * 36)
        let expected = 10 * DynamicsStepBenchmark.gflop + 7 * 600 * perRow / 1e9
        #expect(abs((result.gflop ?? 0) - expected) < 1e-12, "\(result.gflop ?? 0) vs \(expected)")
        #expect((result.ratio ?? 0) > 0 && result.medianMs > 0)
    }

    /// `orl bench dynamics-step --weight-decay loss` times the step `orl train` and Kit take (the
    /// decay in the loss, Adam), not the JAX workload's AdamW step, and says which it timed.
    @Test func dynamicsStepTimesTheChosenDecay() throws {
        for style in WeightDecayStyle.allCases {
            var benchmark = DynamicsStepBenchmark(rounds: 1, stepsPerRound: 1)
            benchmark.weightDecayStyle = style
            let result = try #require(benchmark.run().first)
            #expect(result.extra["weight_decay"] == .string(style.rawValue))
            #expect(result.medianMs > 0)
        }
    }
}
