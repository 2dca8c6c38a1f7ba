import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("The registry knows Minari's MuJoCo datasets")
struct MinariRegistryTests {
    @Test func minariEntriesAreV5TasksWithoutInventedScores() throws {
        let registry = DatasetRegistry.embedded
        let minari = registry.entries.filter { $0.source == "minari" }
        #expect(minari.count == 12)
        for task in ["halfcheetah", "hopper", "walker2d", "ant"] {
            for quality in ["simple", "medium", "expert"] {
                let entry = try registry.entry(named: "mujoco/\(task)/\(quality)-v0")
                #expect(entry.environment == task + "-v5" && entry.fileName == entry.name && entry.refMinScore == nil)
            }
        }
        #expect(try registry.entry(named: "mujoco/ant/medium-v0").observationDimension == 105)
        #expect(throws: OfflineDataError.self) { try registry.normalizedScore(dataset: "mujoco/hopper/medium-v0", return: 1000) }
        // A dataset's own reference returns are used where it records them.
        let scored = try registry.entry(named: "mujoco/hopper/medium-v0")
            .withReferenceScores(from: ["ref_min_score": "-10", "ref_max_score": "90"])
        #expect(scored.normalizedScore(return: 40) == 50)
    }

    @Test func minariRootFollowsMinari() {
        #expect(DatasetRegistry.minariRoot(environment: ["MINARI_DATASETS_PATH": "/data/minari", "HOME": "/home/u"]) == "/data/minari")
        #expect(DatasetRegistry.minariRoot(environment: ["HOME": "/home/u"]) == "/home/u/.minari/datasets")
    }

    @Test func registeredIDsAreFoundInTheMinariRootAndByTheirMetadata() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let registry = DatasetRegistry.embedded
        let entry = try registry.entry(named: "mujoco/hopper/medium-v0")
        let environment = ["MINARI_DATASETS_PATH": dir.path("root"), "HOME": dir.path("home")]
        #expect(registry.localPath(for: entry, environment: environment) == nil)
        #expect(registry.searchDirectories(for: entry, environment: environment).contains(dir.path("root")))
        // A (tiny, synthetic) dataset stored under the registered id.
        let n = 5
        let data = try OfflineDataset(source: "tiny", observations: .ones([n, 11]), actions: .zeros([n, 3]), rewards: .ones([n]),
                                      terminals: [false, false, false, false, true], nextObservations: .ones([n, 11]),
                                      metadata: ["environment": "hopper-v5"])
        let folder = dir.path("root/mujoco/hopper/medium-v0")
        try MinariFile.write(data, to: folder, datasetID: entry.name)
        #expect(registry.localPath(for: entry, environment: environment) == folder)
        // By path, the folder's metadata names the entry (its last component, medium-v0, would be ambiguous).
        let (path, found) = try registry.resolve(folder)
        #expect(path == folder && found?.name == "mujoco/hopper/medium-v0")
        let written = try MinariFile.metadata(path: folder)
        #expect(written.environmentID == "Hopper-v5" && written.environment == "hopper-v5")
    }

    @Test func spacesAndTaskNamesRoundTrip() throws {
        let space = MinariBoxSpace.symmetric(3, bound: 0.4)
        #expect(try MinariBoxSpace(serialized: space.serialized, file: "f", key: "action_space") == space)
        #expect(try MinariBoxSpace(serialized: MinariBoxSpace.unbounded(2).serialized, file: "f", key: "k").low == [-.infinity, -.infinity])
        #expect(MinariBoxSpace.unbounded(2).serialized.contains("[-Infinity, -Infinity]"))
        #expect(MinariMetadata.taskName(environmentID: "Walker2d-v4") == "walker2d")
        #expect(MinariMetadata.taskName(environmentID: "HalfCheetah-v5") == "halfcheetah-v5")
        #expect(MinariMetadata.environmentSpec(forTask: "walker2d-v5")?.contains("walker2d_v5:Walker2dEnv") == true)
        #expect(MinariMetadata.environmentSpec(forTask: "pointmass") == nil)
        #expect(ActionBounds.bound(forEnvironment: "hopper-v5") == 1)
    }
}
