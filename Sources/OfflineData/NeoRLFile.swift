/// Loads NeoRL's `.npz` files (`obs, next_obs, action, reward, done, index`) for HalfCheetah,
/// Hopper and Walker2d (`-v3`, low/medium/high). Observations keep NeoRL's x-position at index
/// 0, so they are one wider than D4RL's (18 / 12 / 18).
///
/// `index` holds trajectory boundaries; a trajectory ending without `done` is flagged as a
/// timeout, so the views behave as for D4RL files: ``OfflineDataset/qlearningTransitions(terminateOnEnd:maxEpisodeSteps:)``
/// drops its last row, ``OfflineDataset/dynamicsTransitions(terminateOnEnd:maxEpisodeSteps:)`` keeps the stored `next_obs`.
public enum NeoRLFile {
    /// The observation widths NeoRL uses, by environment (D4RL's plus the x-position).
    public static let observationDimensions = ["halfcheetah": 18, "hopper": 12, "walker2d": 18]

    /// Loads one NeoRL split (train or validation file).
    ///
    /// - Parameter path: The `.npz` file.
    /// - Returns: The data in D4RL's field names, `next_obs` as `nextObservations`.
    /// - Throws: ``OfflineDataError`` for missing keys, length mismatches, NaN/Inf, a damaged
    ///   archive, or the error-level problems of ``OfflineDataset/validate(actionBound:)`` (no rows,
    ///   magnitudes beyond ``OfflineDataset/largestUsableMagnitude``, `done` other than 0/1).
    public static func load(path: String) throws -> OfflineDataset {
        let arrays = try NumpyArchive.read(path: path)
        func array(_ key: String) throws -> NumpyArray {
            guard let a = arrays[key] else {
                throw OfflineDataError.missingKey(file: path, key: key, available: arrays.keys.sorted())
            }
            return a
        }
        let obs = try array("obs"), act = try array("action"), reward = try array("reward"), done = try array("done")
        guard obs.shape.count == 2 else { throw OfflineDataError.wrongShape(file: path, key: "obs", expected: "(N, obs)", found: obs.shape) }
        guard act.shape.count == 2 else { throw OfflineDataError.wrongShape(file: path, key: "action", expected: "(N, act)", found: act.shape) }
        let n = obs.shape[0]
        func tensor(_ a: NumpyArray, _ dims: [Int]) -> Tensor {
            Tensor(shape: TensorShape(dims)) { out in for i in 0..<out.count { out[i] = Float(a.values[i]) } }
        }
        for (key, a) in [("reward", reward), ("done", done)] where a.values.count != n {
            throw OfflineDataError.lengthMismatch(file: path, key: key, expected: n, found: a.shape.first ?? 1)
        }
        guard act.shape[0] == n else { throw OfflineDataError.lengthMismatch(file: path, key: "action", expected: n, found: act.shape[0]) }
        var next: Tensor? = nil
        if let nextObs = arrays["next_obs"] {
            guard nextObs.shape == obs.shape else {
                throw OfflineDataError.wrongShape(file: path, key: "next_obs", expected: "\(obs.shape)", found: nextObs.shape)
            }
            next = tensor(nextObs, obs.shape)
        }
        if let row = done.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw OfflineDataError.invalidData(file: path, problem: DatasetProblem(
                severity: .error, key: "done", row: row, message: "flags must be 0 or 1 (found \(done.values[row]))"))
        }
        let terminals = done.values.map { $0 != 0 }
        var timeouts = [Bool](repeating: false, count: n)
        if let index = arrays["index"] {
            // Stored as trajectory end offsets (cumulative); a start of 0 may or may not be included.
            for value in index.values {
                let end = Int(value)
                if end > 0, end <= n, !terminals[end - 1] { timeouts[end - 1] = true }
            }
        }
        var dataset = try OfflineDataset(source: path, observations: tensor(obs, obs.shape), actions: tensor(act, act.shape),
                                         rewards: tensor(reward, [n]), terminals: terminals, timeouts: timeouts,
                                         nextObservations: next)
        dataset.storedLayout = Dictionary(uniqueKeysWithValues: arrays.map { ($0.key, "\($0.value.descriptor) \($0.value.shape)") })
        if let error = dataset.firstError(actionBound: nil) { throw error }
        return dataset
    }
}
