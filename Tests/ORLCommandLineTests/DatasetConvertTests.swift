import ArgumentParser
import Foundation
import OfflineData
import ORLCommandLine
import Testing
import TestSupport

/// `orl dataset convert` between D4RL files and Minari folders, and `inspect` on a Minari folder.
@Suite("orl dataset convert")
struct DatasetConvertTests {
    static func run(_ arguments: [String]) throws {
        var command = try ORL.parseAsRoot(["dataset"] + arguments)
        try command.run()
    }

    @Test func d4rlToMinariAndBackKeepsEveryRow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 9)
        let n = 40
        var terminals = [Bool](repeating: false, count: n), timeouts = terminals
        terminals[11] = true
        timeouts[29] = true
        let observations = Tensor.normal([n, 11], rng: &rng)
        var next = Tensor.normal([n, 11], rng: &rng)
        for t in 0..<(n - 1) where !(terminals[t] || timeouts[t]) { for j in 0..<11 { next[t, j] = observations[t + 1, j] } }
        let source = try OfflineDataset(source: "src", observations: observations,
                                        actions: Tensor.uniform([n, 3], low: -1, high: 1, rng: &rng),
                                        rewards: Tensor.normal([n], rng: &rng), terminals: terminals, timeouts: timeouts,
                                        nextObservations: next)
        let d4rl = dir.path("hopper-test.hdf5"), minari = dir.path("minari/orl-test/hopper/test-v0"), back = dir.path("back.hdf5")
        try D4RLFile.write(source, to: d4rl, metadata: ["environment": "hopper"])
        try Self.run(["convert", d4rl, minari, "--dataset-id", "orl-test/hopper/test-v0"])
        let meta = try MinariFile.metadata(path: minari)
        #expect(meta.datasetID == "orl-test/hopper/test-v0" && meta.totalEpisodes == 3 && meta.totalSteps == n)
        #expect(meta.environmentID == "Hopper-v4")
        try Self.run(["inspect", minari])
        try Self.run(["convert", minari, back])
        let roundTrip = try D4RLFile.load(path: back)
        #expect(roundTrip.observations == observations && roundTrip.nextObservations == next && roundTrip.rewards == source.rewards)
        #expect(roundTrip.terminals == terminals)
        var expectedTimeouts = timeouts
        expectedTimeouts[n - 1] = true   // the cut final episode became a truncation
        #expect(roundTrip.timeouts == expectedTimeouts)
        #expect(roundTrip.metadata["environment"] == "hopper" && roundTrip.metadata["converted_from"] == "minari:orl-test/hopper/test-v0")
        // Without next_observations an episode's last observation is unknown.
        var flat = source
        flat.nextObservations = nil
        let flatPath = dir.path("flat.hdf5")
        try D4RLFile.write(flat, to: flatPath)
        #expect(throws: OfflineDataError.self) { try Self.run(["convert", flatPath, dir.path("nope")]) }
    }
}
