import Foundation
import HDF5

extension MinariFile {
    /// Writes `dataset` as a Minari dataset folder that `minari.load_dataset` opens:
    /// `directory/data/main_data.hdf5` and `directory/data/metadata.json`, in the layout of
    /// Minari 0.5's `DataCollector` (see ``MinariFile``): observations float64, actions float32,
    /// rewards float64, flags bool, an empty `infos` group, and the attributes `id`,
    /// `total_steps` and `rewards_sum|mean|std|max|min` on every episode group.
    ///
    /// Rows are split into episodes at their terminal or timeout flags (``OfflineDataset/episodes()``);
    /// an episode's observations are its rows' `s_t` followed by the last row's stored next
    /// observation, so the dataset must have `nextObservations`. A final episode without a flag
    /// (D4RL files stop mid-episode) is written as truncated, as `DataCollector` does. To let
    /// `minari.load_dataset(ID)` find it, write it to `$MINARI_DATASETS_PATH/ID` (default root
    /// `~/.minari/datasets`, see ``DatasetRegistry/minariRoot(environment:)``).
    ///
    /// - Parameters:
    ///   - dataset: The data.
    ///   - directory: The dataset folder; existing `data/` files are replaced.
    ///   - datasetID: Minari's id, `(namespace/)name-vN`.
    ///   - environment: This library's task (`hopper`, `hopper-v5`) for the recorded Gymnasium
    ///     `env_spec` and action bound; default `dataset.metadata["environment"]`.
    ///   - referenceScores: `ref_min_score` and `ref_max_score`; default the dataset's own
    ///     (`metadata["ref_min_score"]`, `["ref_max_score"]`) when it has both.
    ///   - algorithmName: `algorithm_name`; default `dataset.metadata["algorithm"]`.
    ///   - description: Free text recorded as `description`.
    /// - Returns: The metadata written.
    /// - Throws: ``OfflineDataError/missingKey(file:key:available:)`` without `next_observations`,
    ///   ``OfflineDataError/invalidRequest(reason:)`` for an id Minari would refuse, ``HDF5Error``
    ///   or a file-system error when writing fails.
    @discardableResult
    public static func write(_ dataset: OfflineDataset, to directory: String, datasetID: String,
                             environment: String? = nil, referenceScores: (min: Double, max: Double)? = nil,
                             algorithmName: String? = nil, description: String? = nil) throws -> MinariMetadata {
        guard let next = dataset.nextObservations else {
            throw OfflineDataError.missingKey(file: dataset.source, key: "next_observations",
                                              available: dataset.storedLayout.keys.sorted())
        }
        // minari/dataset/minari_dataset.py DATASET_ID_RE: (namespace/)name(-vN); load_dataset needs the version.
        guard datasetID.range(of: #"^([-_\w][-_\w/]*[-_\w]/)?[-_\w]+?-v\d+$"#, options: .regularExpression) != nil else {
            throw OfflineDataError.invalidRequest(
                reason: "'\(datasetID)' is not a Minari dataset id: use (namespace/)name-vN, e.g. orl/hopper/medium-v0")
        }
        let task = environment ?? dataset.metadata["environment"]
        let o = dataset.observationDimension, a = dataset.actionDimension
        let bound = task.flatMap(ActionBounds.bound(forEnvironment:)).map(Double.init)
        var meta = MinariMetadata(datasetID: datasetID, observationSpace: .unbounded(o),
                                  actionSpace: bound.map { .symmetric(a, bound: $0) } ?? .unbounded(a, dtype: "float32"),
                                  environmentSpec: task.flatMap { MinariMetadata.environmentSpec(forTask: $0) },
                                  algorithmName: algorithmName ?? dataset.metadata["algorithm"], description: description)
        let ownScores = (dataset.metadata["ref_min_score"].flatMap(Double.init), dataset.metadata["ref_max_score"].flatMap(Double.init))
        if let scores = referenceScores ?? ownScores.0.flatMap({ low in ownScores.1.map { (low, $0) } }) {
            meta.refMinScore = scores.min
            meta.refMaxScore = scores.max
        }

        let data = ((directory as NSString).expandingTildeInPath as NSString).appendingPathComponent("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let h5path = (data as NSString).appendingPathComponent(dataFileName)
        let file = try HDF5File(path: h5path, mode: .create)
        let episodes = dataset.episodes()
        let observations = dataset.observations.withUnsafeBufferPointer { Array($0) }
        let actions = dataset.actions.withUnsafeBufferPointer { Array($0) }
        let rewards = dataset.rewards.withUnsafeBufferPointer { Array($0) }
        let successors = next.withUnsafeBufferPointer { Array($0) }
        for (index, episode) in episodes.enumerated() {
            let rows = episode.rows, steps = rows.count
            let name = "episode_\(index)"
            let group = try file.root.createGroup(name)
            let stepRewards = rewards[rows].map(Double.init)
            var episodeObservations = observations[(rows.lowerBound * o)..<(rows.upperBound * o)].map(Double.init)
            episodeObservations += successors[((rows.upperBound - 1) * o)..<(rows.upperBound * o)].map(Double.init)
            try file.root.write(episodeObservations, shape: [steps + 1, o], at: "\(name)/observations")
            try file.root.write(Array(actions[(rows.lowerBound * a)..<(rows.upperBound * a)]), shape: [steps, a], at: "\(name)/actions")
            try file.root.write(stepRewards, shape: [steps], at: "\(name)/rewards")
            try file.root.write(Array(dataset.terminals[rows]), at: "\(name)/terminations")
            var truncations = dataset.timeouts.map { Array($0[rows]) } ?? Array(repeating: false, count: steps)
            if episode.ending == .cut { truncations[steps - 1] = true }
            try file.root.write(truncations, at: "\(name)/truncations")
            _ = try file.root.createGroup("\(name)/infos")
            // DataCollector's EpisodeMetadataCallback (minari/data_collector/callbacks/episode_metadata.py).
            let mean = stepRewards.reduce(0, +) / Double(steps)
            let std = (stepRewards.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(steps)).squareRoot()
            try group.setAttribute("id", .int(Int64(index)))
            try group.setAttribute("total_steps", .int(Int64(steps)))
            try group.setAttribute("rewards_sum", .double(stepRewards.reduce(0, +)))
            try group.setAttribute("rewards_mean", .double(mean))
            try group.setAttribute("rewards_std", .double(std))
            try group.setAttribute("rewards_max", .double(stepRewards.max() ?? 0))
            try group.setAttribute("rewards_min", .double(stepRewards.min() ?? 0))
        }
        try file.flush()
        meta.totalEpisodes = episodes.count
        meta.totalSteps = dataset.count
        try meta.jsonData().write(to: URL(fileURLWithPath: (data as NSString).appendingPathComponent(metadataFileName)))
        return meta
    }
}
