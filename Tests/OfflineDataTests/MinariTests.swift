import Foundation
import OfflineData
import Testing
import TestSupport

/// Minari datasets against the real `minari` package (PyPI 0.5.4 in `.venv-test`): a fixture that
/// Minari's `DataCollector` writes when the tests start (`Tests/Fixtures/minari/make_fixture.py`,
/// seeded, into a temporary folder: generated data is not committed), and datasets this library
/// writes, read back with `minari.load_dataset`.
@Suite("Minari datasets against the minari package")
struct MinariTests {
    /// The fixture, written once per test process.
    private static let generated = Result<String, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orl-minari-fixture-\(UUID().uuidString)").path
        let script = Python.repositoryRoot.appendingPathComponent("Tests/Fixtures/minari/make_fixture.py").path
        _ = try Python.check(try String(contentsOfFile: script, encoding: .utf8), arguments: [folder])
        return folder
    }

    /// The `DataCollector` dataset's folder.
    /// - Throws: when `make_fixture.py` failed (its stderr).
    static func fixture() throws -> String { try generated.get() }

    /// Every episode as `minari` returns it, cast to float32 where ours are Float32.
    struct Episode: Decodable {
        var observations: [[Float]]
        var actions: [[Float]]
        var rewards: [Double]
        var terminations: [Bool]
        var truncations: [Bool]
        var x_position: [Float]?
    }

    struct Peer: Decodable {
        var episodes: [Episode]
        var total_steps: Int
        var dataset_id: String
        var env_id: String?
        var ref_min_score: Double?
        var ref_max_score: Double?
        var observation_shape: [Int]
        var observation_dtype: String
        var action_low: [Double]
        var action_high: [Double]
    }

    /// Opens a dataset with `minari.load_dataset(id)` (root given) or `MinariDataset(path/data)`.
    static let reader = #"""
import json, os, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np
path, dataset_id = sys.argv[1], sys.argv[2]
if dataset_id:
    os.environ["MINARI_DATASETS_PATH"] = path
    import minari
    data = minari.load_dataset(dataset_id)
else:
    import minari
    data = minari.MinariDataset(os.path.join(path, "data"))
f32 = lambda a: np.asarray(a, dtype=np.float32).astype(float).tolist()
episodes = []
for e in data.iterate_episodes():
    record = {"observations": f32(e.observations), "actions": f32(e.actions), "rewards": np.asarray(e.rewards, float).tolist(),
              "terminations": [bool(x) for x in e.terminations], "truncations": [bool(x) for x in e.truncations]}
    if e.infos and "x_position" in e.infos:
        record["x_position"] = f32(e.infos["x_position"])
    episodes.append(record)
meta = data.storage.metadata
spec = data.spec.env_spec
print(json.dumps({"episodes": episodes, "total_steps": data.total_steps, "dataset_id": data.spec.dataset_id,
                  "env_id": spec.id if spec else None, "ref_min_score": meta.get("ref_min_score"),
                  "ref_max_score": meta.get("ref_max_score"), "observation_shape": list(data.observation_space.shape),
                  "observation_dtype": str(data.observation_space.dtype),
                  "action_low": data.action_space.low.astype(float).tolist(), "action_high": data.action_space.high.astype(float).tolist()}))
"""#

    static func peer(_ path: String, datasetID: String = "") throws -> Peer {
        try JSONDecoder().decode(Peer.self, from: Data(Python.check(reader, arguments: [path, datasetID]).utf8))
    }

    /// Row `t` of `tensor` as an array.
    static func row(_ tensor: Tensor, _ t: Int) -> [Float] { (0..<tensor.shape[1]).map { tensor[t, $0] } }

    /// Checks that `data`'s rows are `peer`'s episodes, step for step.
    static func expectRows(_ data: OfflineDataset, match peer: Peer) {
        var t = 0
        for (index, episode) in peer.episodes.enumerated() {
            for step in episode.rewards.indices {
                #expect(row(data.observations, t) == episode.observations[step], "episode \(index) step \(step): s")
                #expect(row(data.nextObservations!, t) == episode.observations[step + 1], "episode \(index) step \(step): s'")
                #expect(row(data.actions, t) == episode.actions[step], "episode \(index) step \(step): a")
                #expect(data.rewards[t] == Float(episode.rewards[step]), "episode \(index) step \(step): r")
                #expect(data.terminals[t] == episode.terminations[step] && data.timeouts?[t] == episode.truncations[step],
                        "episode \(index) step \(step): flags")
                if let x = episode.x_position { #expect(data.infos["x_position"]?[t] == x[step], "episode \(index) step \(step): info") }
                t += 1
            }
        }
        #expect(t == data.count)
    }

    @Test("a dataset collected with DataCollector loads with identical arrays")
    func fixtureLoadsLikeMinari() throws {
        let fixture = try Self.fixture()
        let data = try MinariFile.load(path: fixture)
        let peer = try Self.peer(fixture)
        #expect(data.count == peer.total_steps && data.count == 88)
        #expect(data.layout == .episodes && data.observationDimension == 11 && data.actionDimension == 3)
        #expect(peer.episodes.contains { $0.terminations.last == true } && peer.episodes.contains { $0.truncations.last == true })
        Self.expectRows(data, match: peer)
        #expect(data.metadata["dataset_id"] == "orl-test/hopper/random-v0" && data.metadata["env_id"] == "Hopper-v5")
        #expect(data.metadata["environment"] == "hopper-v5" && data.metadata["minari_version"] == "0.5.4")
        #expect(data.metadata["ref_min_score"].flatMap(Double.init) == peer.ref_min_score && peer.ref_max_score == 3000)
        #expect(data.storedLayout["episode_0/observations"] == "float64 [14, 11]")
        let meta = try MinariFile.metadata(path: fixture)
        #expect(meta.observationSpace == .unbounded(11) && meta.actionSpace == .symmetric(3, bound: 1))
        #expect(meta.maxEpisodeSteps == 18 && meta.totalEpisodes == peer.episodes.count)
        // Episodes come back as they were, and the q-learning view keeps every step, truncated ones
        // included, with s' from its own episode and done = termination.
        #expect(data.episodes().map(\.length) == peer.episodes.map(\.rewards.count))
        let q = data.qlearningTransitions()
        #expect(q.count == data.count && q.sourceRows == Array(0..<data.count))
        #expect(q.nextObservations == data.nextObservations! && q.terminals.scalars == data.terminals.map { $0 ? 1 : 0 })
        let truncatedRow = try #require(data.timeouts?.firstIndex(of: true))
        #expect(q.terminals[truncatedRow] == 0 && Self.row(q.nextObservations, truncatedRow) != Self.row(data.observations, truncatedRow + 1))
        #expect(data.dynamicsTransitions().nextObservations == q.nextObservations)
        #expect(DatasetFormat.of(path: fixture) == .minari && DatasetFormat.of(path: fixture + "/data/main_data.hdf5") == .minari)
    }

    @Test("a dataset written here opens with minari.load_dataset and its episodes match")
    func writtenDatasetOpensWithMinari() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        // D4RL-style rows: episodes ending in a terminal, a timeout, and a final one cut mid-way.
        var rng = RandomGenerator(seed: 3)
        let n = 23
        var terminals = [Bool](repeating: false, count: n), timeouts = terminals
        terminals[6] = true
        timeouts[14] = true
        let observations = Tensor.normal([n, 11], rng: &rng)
        var next = observations
        for t in 0..<(n - 1) where !(terminals[t] || timeouts[t]) {
            for j in 0..<11 { next[t, j] = observations[t + 1, j] }
        }
        for t in [6, 14, n - 1] { for j in 0..<11 { next[t, j] = Float(t) + Float(j) / 16 } }
        let source = try OfflineDataset(source: "synthetic", observations: observations,
                                        actions: Tensor.uniform([n, 3], low: -1, high: 1, rng: &rng),
                                        rewards: Tensor.normal([n], rng: &rng), terminals: terminals, timeouts: timeouts,
                                        nextObservations: next, metadata: ["environment": "hopper", "algorithm": "SAC"])
        let id = "orl-test/hopper/synthetic-v0"
        let folder = dir.path("root/" + id)
        let meta = try MinariFile.write(source, to: folder, datasetID: id, referenceScores: (-20.272305, 3234.3))
        #expect(meta.totalEpisodes == 3 && meta.totalSteps == n)
        let peer = try Self.peer(dir.path("root"), datasetID: id)
        #expect(peer.dataset_id == id && peer.env_id == "Hopper-v4" && peer.total_steps == n)
        #expect(peer.ref_min_score == -20.272305 && peer.ref_max_score == 3234.3)
        #expect(peer.observation_shape == [11] && peer.observation_dtype == "float64")
        #expect(peer.action_low == [-1, -1, -1] && peer.action_high == [1, 1, 1])
        #expect(peer.episodes.map(\.rewards.count) == [7, 8, 8])
        #expect(peer.episodes.map { $0.terminations.last! } == [true, false, false])
        #expect(peer.episodes.map { $0.truncations.last! } == [false, true, true], "the cut final episode is written truncated")
        var expected = source
        expected.timeouts![n - 1] = true
        Self.expectRows(expected, match: peer)
        // And it loads back here as the same rows.
        let back = try MinariFile.load(path: folder)
        #expect(back.observations == source.observations && back.nextObservations == next && back.actions == source.actions)
        #expect(back.rewards == source.rewards && back.terminals == terminals && back.timeouts == expected.timeouts)
        #expect(back.metadata["environment"] == "hopper" && back.metadata["algorithm"] == "SAC")
    }

    @Test func writingNeedsNextObservationsAndAValidID() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let rows = try OfflineDataset(source: "flat", observations: .zeros([4, 2]), actions: .zeros([4, 1]),
                                      rewards: .zeros([4]), terminals: [false, false, false, true])
        #expect(throws: OfflineDataError.missingKey(file: "flat", key: "next_observations", available: [])) {
            try MinariFile.write(rows, to: dir.path("a"), datasetID: "orl/a-v0")
        }
        var withNext = rows
        withNext.nextObservations = .zeros([4, 2])
        #expect(throws: OfflineDataError.self) { try MinariFile.write(withNext, to: dir.path("b"), datasetID: "no version") }
        try MinariFile.write(withNext, to: dir.path("c"), datasetID: "orl/c-v0")
        #expect(try MinariFile.load(path: dir.path("c")).count == 4)
    }
}
