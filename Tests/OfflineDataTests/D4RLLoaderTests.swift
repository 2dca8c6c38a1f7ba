import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("D4RL files written by h5py")
struct D4RLLoaderTests {
    @Test("q-learning view matches d4rl.qlearning_dataset row for row", arguments: ["float32", "float64"])
    func qlearningMatchesPython(dtype: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try D4RLFixtures.make(in: dir, name: "d.hdf5", dtype: dtype, rewards2D: dtype == "float64")
        let data = try D4RLFile.load(path: path)
        #expect(data.count == 200 && data.observationDimension == 5 && data.actionDimension == 2)
        #expect(data.storedLayout["observations"] == "\(dtype) [200, 5]")
        #expect(data.storedLayout["terminals"] == "bool [200]")
        let q = data.qlearningTransitions()
        let out = try Python.check(D4RLFixtures.qlearning, arguments: [path])
        let ref = try JSONDecoder().decode(D4RLFixtures.QLearning.self, from: Data(out.utf8))
        try #require(q.count == ref.rewards.count)
        #expect(q.observations == Tensor(ref.observations))
        #expect(q.nextObservations == Tensor(ref.next_observations))
        #expect(q.actions == Tensor(ref.actions))
        #expect(q.rewards == Tensor(ref.rewards))
        #expect(q.terminals.scalars == ref.terminals.map { $0 ? 1 : 0 })
    }

    @Test func fileWithoutNextObservationsAndMetadata() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try D4RLFixtures.make(in: dir, name: "n.hdf5", rewards2D: true, nextObservations: false)
        let data = try D4RLFile.load(path: path)
        #expect(data.nextObservations == nil)
        #expect(data.metadata["algorithm"] == "SAC" && data.metadata["iteration"] == "120")
        #expect(data.infos["qpos"]?.shape == [200, 3] && data.infos["action_log_probs"]?.shape == [200])
        // Dynamics view without next_observations drops terminal rows (their successor is unknown).
        let dyn = data.dynamicsTransitions()
        #expect(dyn.sourceRows.allSatisfy { !data.terminals[$0] })
        #expect(dyn.count == data.qlearningTransitions().count - data.qlearningTransitions().terminals.scalars.filter { $0 == 1 }.count)
    }

    @Test func dynamicsViewUsesStoredNextObservations() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = try D4RLFile.load(path: D4RLFixtures.make(in: dir, name: "x.hdf5"))
        let dyn = data.dynamicsTransitions(), q = data.qlearningTransitions()
        #expect(dyn.sourceRows == q.sourceRows)
        let stored = data.nextObservations!
        for (j, i) in dyn.sourceRows.enumerated().prefix(50) {
            #expect(dyn.nextObservations[j, 3] == stored[i, 3])
        }
    }

    @Test func episodesSplitAtTerminalsAndTimeouts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = try D4RLFile.load(path: D4RLFixtures.make(in: dir, name: "e.hdf5"))
        let episodes = data.episodes()
        #expect(episodes.map(\.length).reduce(0, +) == data.count)
        #expect(episodes.allSatisfy { $0.length <= 7 })
        // The fixture ends with a cut episode; every earlier episode ends at its terminal or timeout row.
        #expect(episodes.last?.ending == .cut && episodes.last?.rows.upperBound == data.count)
        for episode in episodes.dropLast() {
            let last = episode.rows.upperBound - 1
            #expect(episode.ending != .cut, "episode ending at row \(last) is cut before the file's end")
            #expect((episode.ending == .terminal) == data.terminals[last], "episode ending at row \(last)")
        }
        let first = episodes[0]
        let sum = (first.rows).map { Double(data.rewards[$0]) }.reduce(0, +)
        #expect(abs(first.totalReward - sum) < 1e-9)
        let stats = EpisodeStatistics(episodes)
        #expect(stats.count == episodes.count && stats.terminalCount > 0 && stats.timeoutCount > 0)
    }

    @Test func writerRoundTripsAndH5pyReadsIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let original = try D4RLFile.load(path: D4RLFixtures.make(in: dir, name: "src.hdf5", dtype: "float64"))
        for floatType in [D4RLFile.StoredFloat.float32, .float64] {
            let path = dir.path("ours-\(floatType).hdf5")
            try D4RLFile.write(original, to: path, floatType: floatType)
            let back = try D4RLFile.load(path: path)
            #expect(back.observations == original.observations && back.actions == original.actions)
            #expect(back.rewards == original.rewards && back.nextObservations == original.nextObservations)
            #expect(back.terminals == original.terminals && back.timeouts == original.timeouts)
            #expect(back.infos == original.infos && back.metadata == original.metadata)
            let out = try Python.check("""
            import sys, h5py
            f = h5py.File(sys.argv[1], 'r')
            print(sorted(f.keys()), f['observations'].dtype, f['observations'].compression, f['terminals'].dtype,
                  f['rewards'].shape, f['metadata/algorithm'][()], int(f['terminals'][()].sum()))
            """, arguments: [path])
            let dtype = floatType == .float32 ? "float32" : "float64"
            let terminalsSet = original.terminals.filter { $0 }.count
            #expect(out == "['actions', 'infos', 'metadata', 'next_observations', 'observations', 'rewards', 'terminals', 'timeouts'] \(dtype) gzip bool (200,) b'SAC' \(terminalsSet)\n")
        }
    }
}
