import Foundation
import HDF5

/// Reads and writes Minari datasets, the Farama Foundation's maintained successor of D4RL's format.
///
/// A Minari dataset is a folder (`~/.minari/datasets/mujoco/hopper/medium-v0`) holding
/// `data/metadata.json` and `data/main_data.hdf5`, one group per episode:
///
/// | key | shape | dtype (Gymnasium MuJoCo) |
/// | --- | --- | --- |
/// | `episode_i/observations` | `(T + 1, obs)`: the reset observation, then one per step | float64 |
/// | `episode_i/actions` | `(T, act)` | float32 |
/// | `episode_i/rewards` | `(T,)` | float64 |
/// | `episode_i/terminations`, `episode_i/truncations` | `(T,)` | bool |
/// | `episode_i/infos/*` | `(T + 1, …)`: the reset info, then one per step | any |
///
/// with attributes `id`, `total_steps` and (from `DataCollector`) `seed` on each group
/// (`minari/dataset/_storages/hdf5_storage.py`).
///
/// ```swift
/// let data = try MinariFile.load(path: "~/.minari/datasets/mujoco/hopper/medium-v0")
/// let q = data.qlearningTransitions()   // every step, s' from its episode
/// ```
public enum MinariFile {
    /// The file names inside a dataset's `data/` folder.
    static let dataFileName = "main_data.hdf5", metadataFileName = "metadata.json"

    /// The `data/` folder of a dataset given as its folder, its `data/` folder or its
    /// `main_data.hdf5`; nil when `path` is none of these.
    public static func dataDirectory(of path: String) -> String? {
        let fm = FileManager.default
        let expanded = (path as NSString).expandingTildeInPath
        if (expanded as NSString).lastPathComponent == dataFileName, fm.fileExists(atPath: expanded) {
            return (expanded as NSString).deletingLastPathComponent
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        for candidate in [(expanded as NSString).appendingPathComponent("data"), expanded] {
            let data = (candidate as NSString).appendingPathComponent(dataFileName)
            let meta = (candidate as NSString).appendingPathComponent(metadataFileName)
            if fm.fileExists(atPath: data) || fm.fileExists(atPath: meta) { return candidate }
        }
        return nil
    }

    /// Whether `path` looks like a Minari dataset (see ``dataDirectory(of:)``).
    public static func isDataset(_ path: String) -> Bool { dataDirectory(of: path) != nil }

    /// Reads a dataset's `metadata.json`.
    /// - Parameter path: The dataset folder, its `data/` folder or its `main_data.hdf5`.
    /// - Throws: ``OfflineDataError/badMetadata(file:reason:)`` when the file is missing or unusable.
    public static func metadata(path: String) throws -> MinariMetadata {
        let dataDirectory = dataDirectory(of: path) ?? (path as NSString).appendingPathComponent("data")
        let file = (dataDirectory as NSString).appendingPathComponent(metadataFileName)
        guard let json = FileManager.default.contents(atPath: file) else {
            throw OfflineDataError.badMetadata(
                file: file, reason: "missing; a Minari dataset folder holds data/metadata.json beside data/main_data.hdf5")
        }
        return try MinariMetadata(json: json, file: file)
    }

    /// Loads a Minari dataset into the rows of an ``OfflineDataset``: episode `i`'s step `t` is a
    /// row with `s_t`, `a_t`, `r_t`, `terminals = terminations[t]`, `timeouts = truncations[t]`
    /// and `nextObservations = s_{t+1}` of the same episode, so the q-learning view keeps every
    /// step (``OfflineDataset/Layout/episodes``). `infos/*` arrays of `T + 1` rows give row `t`
    /// the info that came with `s_t`.
    ///
    /// `metadata` holds `format = minari`, `dataset_id`, `env_id`, `environment` (this
    /// library's task name, see ``MinariMetadata/environment``), `minari_version`,
    /// `algorithm`, `ref_min_score`, `ref_max_score`, `total_episodes` and `total_steps` where
    /// recorded. An episode whose last step has neither flag is marked truncated, as Minari's
    /// `DataCollector` does, with a warning in ``OfflineDataset/loadProblems``.
    ///
    /// - Parameters:
    ///   - path: The dataset folder, its `data/` folder or its `main_data.hdf5`.
    ///   - validation: As for ``D4RLFile/load(path:validation:actionBound:)``.
    ///   - actionBound: Actions must lie in `[-b, b]`; nil uses the recorded action space's bound.
    /// - Throws: ``OfflineDataError/badMetadata(file:reason:)`` for a missing or unusable
    ///   `metadata.json`; ``HDF5Error`` for a missing, truncated or corrupt `main_data.hdf5`;
    ///   ``OfflineDataError/missingKey(file:key:available:)`` for a missing episode group or array;
    ///   ``OfflineDataError/wrongShape(file:key:expected:found:)`` and
    ///   ``OfflineDataError/lengthMismatch(file:key:expected:found:)`` when an episode's arrays
    ///   disagree (observations must have one row more than rewards); ``OfflineDataError/wrongType(file:key:expected:found:)``
    ///   for non-float data or a `Dict`/`Tuple` space stored as a group; and the value errors of
    ///   ``D4RLFile/load(path:validation:actionBound:)``.
    public static func load(path: String, validation: D4RLFile.Validation = .strict,
                            actionBound: Float? = nil) throws -> OfflineDataset {
        let meta = try metadata(path: path)
        let dataDirectory = dataDirectory(of: path) ?? (path as NSString).appendingPathComponent("data")
        let h5path = (dataDirectory as NSString).appendingPathComponent(dataFileName)
        var reader = EpisodeReader(file: try HDF5File(path: h5path), path: h5path, metadata: meta)
        for index in 0..<meta.totalEpisodes { try reader.read(episode: index) }
        if meta.totalSteps > 0, meta.totalSteps != reader.rewards.count {
            reader.problems.append(DatasetProblem(severity: .warning, key: "total_steps",
                                                  message: "metadata says \(meta.totalSteps) steps, the episodes hold \(reader.rewards.count)"))
        }
        let n = reader.rewards.count, o = reader.observationWidth ?? 0, a = reader.actionWidth ?? 0
        var infos = [String: Tensor]()
        for (key, values) in reader.infos where values.count == n * (reader.infoWidths[key] ?? 1) {
            infos[key] = Tensor(shape: TensorShape([n] + (reader.infoShapes[key] ?? [])), scalars: values)
        }
        var dataset = try OfflineDataset(
            source: path, observations: Tensor(shape: [n, o], scalars: reader.observations),
            actions: Tensor(shape: [n, a], scalars: reader.actions), rewards: Tensor(shape: [n], scalars: reader.rewards),
            terminals: reader.terminals, timeouts: reader.truncations,
            nextObservations: Tensor(shape: [n, o], scalars: reader.nextObservations), infos: infos,
            metadata: Self.textMetadata(meta))
        dataset.layout = .episodes
        dataset.storedLayout = reader.layout
        dataset.loadProblems = reader.problems
        if validation == .strict {
            let bound = actionBound ?? meta.actionSpace?.symmetricBound.map(Float.init)
            if let error = dataset.firstError(actionBound: bound) { throw error }
        }
        return dataset
    }

    /// Metadata as the text entries of ``OfflineDataset/metadata``.
    static func textMetadata(_ meta: MinariMetadata) -> [String: String] {
        var text = ["format": "minari", "total_episodes": String(meta.totalEpisodes), "total_steps": String(meta.totalSteps)]
        if !meta.datasetID.isEmpty { text["dataset_id"] = meta.datasetID }
        text["env_id"] = meta.environmentID
        text["environment"] = meta.environment
        text["minari_version"] = meta.minariVersion
        text["algorithm"] = meta.algorithmName
        text["ref_min_score"] = meta.refMinScore.map { String($0) }
        text["ref_max_score"] = meta.refMaxScore.map { String($0) }
        return text
    }
}

/// Accumulates episodes into flat rows, checking each group as it goes.
private struct EpisodeReader {
    let file: HDF5File
    let path: String
    var observations = [Float](), nextObservations = [Float](), actions = [Float](), rewards = [Float]()
    var terminals = [Bool](), truncations = [Bool]()
    var observationWidth: Int?, actionWidth: Int?
    var infos = [String: [Float]](), infoWidths = [String: Int](), infoShapes = [String: [Int]]()
    var layout = [String: String]()
    var problems = [DatasetProblem]()

    init(file: HDF5File, path: String, metadata: MinariMetadata) {
        self.file = file
        self.path = path
        observationWidth = metadata.observationSpace?.dimension
        actionWidth = metadata.actionSpace?.dimension
        layout["episodes"] = "\(metadata.totalEpisodes) groups episode_0 … episode_\(max(metadata.totalEpisodes - 1, 0))"
    }

    mutating func read(episode index: Int) throws {
        let name = "episode_\(index)"
        guard file.root.kind(of: name) == .group else {
            let present = (try? file.root.children()) ?? []
            throw OfflineDataError.missingKey(file: path, key: name,
                                              available: Array(present.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }.prefix(12)))
        }
        let group = try file.root.group(name)
        func dataset(_ key: String) throws -> HDF5Dataset {
            switch group.kind(of: key) {
            case .dataset?: break
            case .group?:
                throw OfflineDataError.wrongType(file: path, key: "\(name)/\(key)", expected: "an array (a Box space)",
                                                 found: "a group (a Dict or Tuple space)")
            case nil:
                throw OfflineDataError.missingKey(file: path, key: "\(name)/\(key)", available: ((try? group.children()) ?? []).sorted())
            }
            let d = try group.dataset(key)
            if index == 0 { layout["episode_0/\(key)"] = "\(d.elementType) \(d.shape)" }
            return d
        }
        let rewardSet = try dataset("rewards")
        guard rewardSet.shape.count == 1 else {
            throw OfflineDataError.wrongShape(file: path, key: "\(name)/rewards", expected: "(steps,)", found: rewardSet.shape)
        }
        try requireFloat(rewardSet, name)
        let steps = rewardSet.shape[0]
        let obsSet = try dataset("observations")
        guard obsSet.shape.count == 2, obsSet.shape[0] == steps + 1, observationWidth.map({ $0 == obsSet.shape[1] }) ?? true else {
            throw OfflineDataError.wrongShape(file: path, key: "\(name)/observations",
                                              expected: "(\(steps + 1), \(observationWidth.map(String.init) ?? "features")): one row more than the \(steps) rewards",
                                              found: obsSet.shape)
        }
        try requireFloat(obsSet, name)
        let actSet = try dataset("actions")
        guard actSet.shape.count == 2, actionWidth.map({ $0 == actSet.shape[1] }) ?? true else {
            throw OfflineDataError.wrongShape(file: path, key: "\(name)/actions",
                                              expected: "(\(steps), \(actionWidth.map(String.init) ?? "features"))", found: actSet.shape)
        }
        guard actSet.shape[0] == steps else {
            throw OfflineDataError.lengthMismatch(file: path, key: "\(name)/actions", expected: steps, found: actSet.shape[0])
        }
        try requireFloat(actSet, name)
        observationWidth = obsSet.shape[1]
        actionWidth = actSet.shape[1]
        let o = obsSet.shape[1]
        let obs = try obsSet.read(Float.self)
        observations += obs[0..<(steps * o)]
        nextObservations += obs[o..<((steps + 1) * o)]
        actions += try actSet.read(Float.self)
        rewards += try rewardSet.read(Float.self)
        var ends = [Bool]()
        for key in ["terminations", "truncations"] {
            let flags = try flags(try dataset(key), name, steps: steps)
            if key == "terminations" { terminals += flags; ends = flags } else {
                var flags = flags
                // An episode must end in a flag; Minari's DataCollector truncates one that does not.
                if steps > 0, !flags[steps - 1], !ends[steps - 1] {
                    flags[steps - 1] = true
                    problems.append(DatasetProblem(severity: .warning, key: "\(name)/truncations", row: rewards.count - 1,
                                                   message: "the episode's last step has neither flag; read as truncated"))
                }
                truncations += flags
            }
        }
        if group.kind(of: "infos") == .group { try readInfos(try group.group("infos"), name, steps: steps, first: index == 0) }
    }

    /// Numeric infos of `steps + 1` rows (row t: the info that came with s_t) or `steps` rows;
    /// keys missing from some episode are dropped at the end (their length no longer fits).
    mutating func readInfos(_ group: HDF5Group, _ name: String, steps: Int, first: Bool) throws {
        for key in try group.datasetKeys() {
            let d = try group.dataset(key)
            guard d.elementType.isNumeric || d.elementType == .bool, d.shape.count >= 1,
                  d.shape.count <= TensorShape.maxRank else { continue }
            guard d.shape[0] == steps + 1 || d.shape[0] == steps else {
                throw OfflineDataError.lengthMismatch(file: path, key: "\(name)/infos/\(key)", expected: steps + 1, found: d.shape[0])
            }
            let width = d.shape.dropFirst().reduce(1, *)
            if first { infoWidths[key] = width; infoShapes[key] = Array(d.shape.dropFirst()) }
            guard infoWidths[key] == width else { continue }
            if !first, infos[key] == nil { continue }
            infos[key, default: []] += try d.read(Float.self).prefix(steps * width)
        }
    }

    func requireFloat(_ d: HDF5Dataset, _ name: String) throws {
        guard d.elementType == .float32 || d.elementType == .float64 else {
            throw OfflineDataError.wrongType(file: path, key: "\(name)/\((d.key as NSString).lastPathComponent)",
                                             expected: "float32 or float64", found: "\(d.elementType)")
        }
    }

    mutating func flags(_ d: HDF5Dataset, _ name: String, steps: Int) throws -> [Bool] {
        let key = "\(name)/\((d.key as NSString).lastPathComponent)"
        guard d.shape.count == 1 else {
            throw OfflineDataError.wrongShape(file: path, key: key, expected: "(steps,)", found: d.shape)
        }
        guard d.shape[0] == steps else { throw OfflineDataError.lengthMismatch(file: path, key: key, expected: steps, found: d.shape[0]) }
        guard d.elementType == .bool || d.elementType.isNumeric else {
            throw OfflineDataError.wrongType(file: path, key: key, expected: "bool or number", found: "\(d.elementType)")
        }
        let values = try d.read(Double.self)
        if let row = values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            problems.append(DatasetProblem(severity: .error, key: key, row: rewards.count - steps + row,
                                           message: "flags are neither 0 nor 1 (first: \(values[row]))"))
        }
        return values.map { $0 != 0 }
    }
}
