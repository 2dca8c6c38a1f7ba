import Foundation
import HDF5
import OfflineData
import Testing
import TestSupport

/// Malformed Minari datasets, each a copy of the `DataCollector` fixture with one thing broken,
/// get a typed error that names the file and the key.
@Suite("Malformed Minari datasets give typed errors")
struct MinariBadInputTests {
    /// A fresh copy of the fixture; `edit` changes its `main_data.hdf5`.
    static func copy(in dir: TemporaryDirectory, _ name: String, edit: ((HDF5Group) throws -> Void)? = nil) throws -> (folder: String, h5: String) {
        let folder = dir.path(name)
        try FileManager.default.copyItem(atPath: try MinariTests.fixture(), toPath: folder)
        let h5 = folder + "/data/main_data.hdf5"
        if let edit {
            let file = try HDF5File(path: h5, mode: .readWrite)
            try edit(file.root)
            try file.flush()
        }
        return (folder, h5)
    }

    static func metadataText(_ folder: String) throws -> String {
        try String(contentsOfFile: folder + "/data/metadata.json", encoding: .utf8)
    }

    static func loadError(_ folder: String) -> Error? {
        do {
            _ = try MinariFile.load(path: folder)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingGroupsAndArrays() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let noEpisode = try Self.copy(in: dir, "no-episode") { try $0.remove("episode_2") }
        guard case let .missingKey(file, key, available)? = Self.loadError(noEpisode.folder) as? OfflineDataError else {
            Issue.record("expected missingKey, got \(String(describing: Self.loadError(noEpisode.folder)))")
            return
        }
        #expect(file == noEpisode.h5 && key == "episode_2" && available.contains("episode_3") && !available.contains("episode_2"))

        let noActions = try Self.copy(in: dir, "no-actions") { try $0.remove("episode_1/actions") }
        guard case let .missingKey(_, arrayKey, present)? = Self.loadError(noActions.folder) as? OfflineDataError else {
            Issue.record("expected missingKey for the actions")
            return
        }
        #expect(arrayKey == "episode_1/actions" && present.contains("observations"))

        // metadata.json promises one more episode than the file holds.
        let extra = try Self.copy(in: dir, "extra")
        let text = try Self.metadataText(extra.folder).replacingOccurrences(of: "\"total_episodes\": 6", with: "\"total_episodes\": 7")
        try text.write(toFile: extra.folder + "/data/metadata.json", atomically: true, encoding: .utf8)
        #expect((Self.loadError(extra.folder) as? OfflineDataError).map { if case .missingKey(_, "episode_6", _) = $0 { true } else { false } } == true)

        // A Dict observation space is stored as a group.
        let dict = try Self.copy(in: dir, "dict") { root in
            try root.remove("episode_0/observations")
            try root.write([Double](repeating: 0, count: 14 * 11), shape: [14, 11], at: "episode_0/observations/position")
        }
        #expect(Self.loadError(dict.folder) as? OfflineDataError == .wrongType(
            file: dict.h5, key: "episode_0/observations", expected: "an array (a Box space)", found: "a group (a Dict or Tuple space)"))
    }

    @Test func lengthMismatches() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        // episode_0 has 13 steps: observations need 14 rows.
        let shortObs = try Self.copy(in: dir, "short-obs") { root in
            try root.remove("episode_0/observations")
            try root.write([Double](repeating: 0, count: 13 * 11), shape: [13, 11], at: "episode_0/observations")
        }
        guard case let .wrongShape(file, key, expected, found)? = Self.loadError(shortObs.folder) as? OfflineDataError else {
            Issue.record("expected wrongShape")
            return
        }
        #expect(file == shortObs.h5 && key == "episode_0/observations" && found == [13, 11] && expected.hasPrefix("(14, 11)"))

        let shortFlags = try Self.copy(in: dir, "short-flags") { root in
            try root.remove("episode_3/terminations")
            try root.write([Bool](repeating: false, count: 2), at: "episode_3/terminations")
        }
        let steps = try HDF5File(path: shortFlags.h5).root.dataset("episode_3/rewards").shape[0]
        #expect(Self.loadError(shortFlags.folder) as? OfflineDataError
                == .lengthMismatch(file: shortFlags.h5, key: "episode_3/terminations", expected: steps, found: 2))

        let longActions = try Self.copy(in: dir, "long-actions") { root in
            try root.remove("episode_0/actions")
            try root.write([Float](repeating: 0, count: 20 * 3), shape: [20, 3], at: "episode_0/actions")
        }
        #expect(Self.loadError(longActions.folder) as? OfflineDataError
                == .lengthMismatch(file: longActions.h5, key: "episode_0/actions", expected: 13, found: 20))

        let intRewards = try Self.copy(in: dir, "int-rewards") { root in
            try root.remove("episode_0/rewards")
            try root.write([Int64](repeating: 1, count: 13), at: "episode_0/rewards")
        }
        #expect(Self.loadError(intRewards.folder) as? OfflineDataError
                == .wrongType(file: intRewards.h5, key: "episode_0/rewards", expected: "float32 or float64", found: "int64"))

        let badFlag = try Self.copy(in: dir, "flag-2") { root in
            try root.remove("episode_1/truncations")
            var flags = [UInt8](repeating: 0, count: try root.dataset("episode_1/rewards").shape[0])
            flags[1] = 2
            try root.write(flags, at: "episode_1/truncations")
        }
        guard case let .invalidData(_, problem)? = Self.loadError(badFlag.folder) as? OfflineDataError else {
            Issue.record("expected invalidData for a flag of 2")
            return
        }
        #expect(problem.key == "episode_1/truncations" && problem.row == 13 + 1)
    }

    @Test func truncatedAndMissingFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let truncated = try Self.copy(in: dir, "truncated")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated.h5))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated.h5))
        #expect(Self.loadError(truncated.folder) is HDF5Error, "\(String(describing: Self.loadError(truncated.folder)))")

        let noData = try Self.copy(in: dir, "no-data")
        try FileManager.default.removeItem(atPath: noData.h5)
        #expect(Self.loadError(noData.folder) as? HDF5Error == .fileNotFound(file: noData.h5))

        let noMeta = try Self.copy(in: dir, "no-metadata")
        try FileManager.default.removeItem(atPath: noMeta.folder + "/data/metadata.json")
        guard case let .badMetadata(file, reason)? = Self.loadError(noMeta.folder) as? OfflineDataError else {
            Issue.record("expected badMetadata")
            return
        }
        #expect(file == noMeta.folder + "/data/metadata.json" && reason.contains("missing"))
    }

    @Test("metadata.json problems", arguments: [
        ("{\"total_episodes\": 6", "{\"total_episodes\": \"six\"", "total_episodes"),
        ("\"data_format\": \"hdf5\"", "\"data_format\": \"arrow\"", "data_format 'arrow'"),
        ("{\\\"type\\\": \\\"Box\\\", \\\"dtype\\\": \\\"float32\\\"", "{\\\"type\\\": \\\"Discrete\\\", \\\"dtype\\\": \\\"float32\\\"", "Discrete"),
        ("{\"total_episodes\"", "{[\"total_episodes\"", "not a JSON object"),
    ])
    func badMetadata(original: String, replacement: String, reason: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let copy = try Self.copy(in: dir, "meta")
        let text = try Self.metadataText(copy.folder)
        #expect(text.contains(original), "the fixture's metadata changed: \(original) not found")
        try text.replacingOccurrences(of: original, with: replacement)
            .write(toFile: copy.folder + "/data/metadata.json", atomically: true, encoding: .utf8)
        guard case let .badMetadata(_, message)? = Self.loadError(copy.folder) as? OfflineDataError else {
            Issue.record("expected badMetadata, got \(String(describing: Self.loadError(copy.folder)))")
            return
        }
        #expect(message.contains(reason), "\(message)")
    }

    @Test func unflaggedEpisodeEndsAreReadAsTruncations() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        // episode_1 ends by truncation in the fixture; clear it.
        let copy = try Self.copy(in: dir, "unflagged") { root in
            let steps = try root.dataset("episode_1/rewards").shape[0]
            try root.remove("episode_1/truncations")
            try root.write([Bool](repeating: false, count: steps), at: "episode_1/truncations")
        }
        let data = try MinariFile.load(path: copy.folder)
        #expect(data.timeouts?[13 + 18 - 1] == true)
        #expect(data.loadProblems.contains { $0.severity == .warning && $0.key == "episode_1/truncations" })
        #expect(data.episodes().map(\.length) == (try MinariFile.load(path: try MinariTests.fixture())).episodes().map(\.length))
    }
}
