import Benchmarks
import Testing
import Environments

@Suite("orl bench env")
struct EnvironmentBenchmarkTests {
    @Test("The benchmark reports raw and environment rates that simulate the same trajectory")
    func smallRun() throws {
        var bench = EnvironmentBenchmark(rounds: 1, tasks: ["hopper"])
        bench.stepsPerCall = 50
        let results = try bench.run()
        #expect(results.map(\.workload) == ["env-raw-hopper", "env-hopper"])
        let env = try #require(results.last)
        #expect(env.extra["same_final_state"] == .bool(true))
        guard case let .number(ratio)? = env.extra["ratio_to_raw"] else {
            Issue.record("no ratio_to_raw in \(env.jsonLine)")
            return
        }
        #expect(ratio > 0 && ratio.isFinite)
        #expect(env.jsonLine.contains("\"steps_per_s\""))
    }
}
