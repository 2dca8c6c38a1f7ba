import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("Registry, NeoRL, normalizer and buffers")
struct RegistryAndBufferTests {
    @Test func bundledRegistryAgreesWithManifestJSON() throws {
        let url = Python.repositoryRoot.appendingPathComponent("Datasets/manifest.json")
        let fromFile = try DatasetRegistry(json: Data(contentsOf: url), source: url.path)
        #expect(fromFile.entries == DatasetRegistry.embedded.entries && fromFile.policies == DatasetRegistry.embedded.policies,
                "the manifest bundled in the build differs from Datasets/manifest.json; rebuild")
        let d4rl = fromFile.entries.filter { $0.source == "d4rl" }
        #expect(d4rl.count == 24 && fromFile.entries.filter { $0.source == "neorl" }.count == 27)
        #expect(fromFile.entries.filter(\.isGenerated).allSatisfy { $0.fileName.hasPrefix("generated/") })
    }

    @Test func normalizedScoresAndSuggestions() throws {
        let registry = DatasetRegistry.embedded
        #expect(abs(try registry.normalizedScore(dataset: "hopper-medium-v2", return: 3234.3) - 100) < 1e-9)
        #expect(abs(try registry.normalizedScore(dataset: "halfcheetah-random-v2", return: -280.178953)) < 1e-9)
        #expect(abs(try normalizedScore(dataset: "walker2d-medium-orl", return: 1.629008)) < 1e-9)
        #expect(try registry.entry(named: "hopper-medium-orl").refMaxScore == 3234.3)
        do {
            _ = try registry.entry(named: "hoper-medium-v2")
            Issue.record("expected unknownDataset")
        } catch let OfflineDataError.unknownDataset(_, suggestions) {
            #expect(suggestions.first == "hopper-medium-v2")
        }
        #expect(try registry.entry(named: "hopper-medium-v2").url!.hasSuffix("gym_mujoco_v2/hopper_medium-v2.hdf5"))
    }

    @Test func missingFilesSayHowToGetThem() throws {
        // Entries whose files exist nowhere: a generated set names its generating command, a D4RL one its address.
        func entry(_ name: String, source: String, quality: String, url: String?) -> String {
            let address = url.map { ", \"url\": \"\($0)\"" } ?? ""
            return """
                {"name": "\(name)", "source": "\(source)", "environment": "hopper", "quality": "\(quality)",
                 "fileName": "generated/absent-\(name).hdf5", "observationDimension": 11, "actionDimension": 3,
                 "floatType": "float32", "refMinScore": 0, "refMaxScore": 1\(address)}
                """
        }
        let json = """
            {"version": 1, "datasets": [\(entry("a-orl", source: "orl", quality: "medium", url: nil)),
             \(entry("b-orl", source: "orl", quality: "medium-replay", url: nil)),
             \(entry("c-v2", source: "d4rl", quality: "medium", url: "http://example.org/c.hdf5"))]}
            """
        let registry = try DatasetRegistry(json: Data(json.utf8), source: "test manifest")
        for (name, remedy) in [("a-orl", "make it with `orl dataset generate --env hopper --kind medium`"),
                               ("b-orl", "--kind medium-replay --run SAC_RUN_DIR`"),
                               ("c-v2", "download it from http://example.org/c.hdf5")] {
            do {
                _ = try registry.resolve(name)
                Issue.record("\(name): expected fileNotPresent")
            } catch let error as OfflineDataError {
                #expect(error.description.contains(remedy), "\(error)")
            }
        }
    }

    @Test func neoRLArchivesLoadWithTheirXPosition() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        for compressed in [false, true] {
            let path = dir.path("Hopper-v3-low-100-train-noise-\(compressed).npz")
            _ = try Python.check("""
            import sys, numpy as np
            rng = np.random.default_rng(1); n = 30
            obs = rng.normal(size=(n, 12)).astype('f4')
            done = np.zeros((n, 1), 'f4'); done[9] = 1
            save = np.savez_compressed if sys.argv[2] == '1' else np.savez
            save(sys.argv[1], obs=obs, next_obs=obs + 1, action=rng.normal(size=(n, 3)).astype('f4'),
                 reward=rng.normal(size=(n, 1)).astype('f4'), done=done, index=np.array([10, 20, 30], 'f4'))
            """, arguments: [path, compressed ? "1" : "0"])
            let data = try NeoRLFile.load(path: path)
            #expect(data.observationDimension == 12 && data.count == 30)
            #expect(data.terminals[9] && data.timeouts?[19] == true && data.timeouts?[9] == false)
            #expect(data.episodes().map(\.length) == [10, 10, 10])
            #expect(data.dynamicsTransitions().count == 28)  // rows 0..<29, minus the timeout row 19
        }
        let bad = dir.path("bad.npz")
        try Data("PK not really".utf8).write(to: URL(fileURLWithPath: bad))
        #expect(throws: OfflineDataError.self) { try NeoRLFile.load(path: bad) }
    }

    @Test func normalizerUsesPopulationStdPlusEpsilon() {
        let x = Tensor([[1, 10], [3, 10]])
        let n = Normalizer(fitting: x)
        #expect(n.mean == [2, 10] && n.std == [1 + 1e-3, 1e-3])
        var y = n.normalized(x)
        #expect(isClose(y, Tensor([[-1 / 1.001, 0], [1 / 1.001, 0]])))
        n.denormalize(&y)
        #expect(isClose(y, x, rtol: 1e-5, atol: 1e-4))
    }

    @Test func buffersSampleUniformlyAndMixInTheRightRatio() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = try D4RLFile.load(path: D4RLFixtures.make(in: dir, name: "b.hdf5"))
        let real = ReplayBuffer(data.qlearningTransitions())
        var model = ReplayBuffer(capacity: 50, observationDimension: 5, actionDimension: 2)
        var fake = data.dynamicsTransitions()
        fake.rewards = Tensor(repeating: 1000, shape: fake.rewards.shape)
        model.add(fake)
        #expect(model.count == 50)
        var batch = TransitionBatch(batchSize: 256, observationDimension: 5, actionDimension: 2)
        var rng = RandomGenerator(seed: 9)
        MixedSampler(realRatio: 0.25).sample(real: real, model: model, into: &batch, rng: &rng)
        let fromModel = batch.rewards.scalars.filter { $0 == 1000 }.count
        #expect(fromModel == 256 - 64)
        // Each sampled row is a consistent transition: its reward matches its observation's row.
        real.sample(into: &batch, rng: &rng)
        let q = data.qlearningTransitions()
        for row in 0..<8 {
            let match = (0..<q.count).first { q.observations[$0, 0] == batch.observations[row, 0] }
            #expect(match.map { q.rewards[$0] == batch.rewards[row] } == true)
        }

        // Uniformity: 40 rows tagged by their index, 400 batches of 256 draws; every row's count
        // must lie within 5σ of 256·400/40 = 2560 (σ ≈ 50), and the counts must not all be equal.
        let n = 40
        let tagged = ReplayBuffer(Transitions(observations: Tensor(shape: [n, 5], scalars: (0..<n).flatMap { [Float($0), 0, 0, 0, 0] }),
                                              actions: Tensor.zeros([n, 2]), rewards: Tensor.zeros([n]),
                                              nextObservations: Tensor.zeros([n, 5]), terminals: Tensor.zeros([n])))
        var counts = [Int](repeating: 0, count: n)
        for _ in 0..<400 {
            tagged.sample(into: &batch, rng: &rng)
            for row in 0..<256 { counts[Int(batch.observations[row, 0])] += 1 }
        }
        #expect(counts.reduce(0, +) == 256 * 400)
        #expect(counts.allSatisfy { abs($0 - 2560) <= 250 }, "row counts \(counts)")
        #expect(Set(counts).count > 1)
    }
}
