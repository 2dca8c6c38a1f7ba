import HDF5

/// Reads and writes D4RL-format HDF5 files (`observations, actions, rewards, terminals,
/// timeouts, next_observations, infos/*, metadata/*`), byte-compatible with the published v2 files.
///
/// ```swift
/// let data = try D4RLFile.load(path: "~/.d4rl/datasets/hopper_medium-v2.hdf5")
/// let q = data.qlearningTransitions()        // as d4rl.qlearning_dataset
/// ```
public enum D4RLFile {
    /// What to do with values a trainer cannot use when loading.
    public enum Validation: Sendable {
        /// Throw the first error-level problem: ``OfflineDataError/nonFinite(file:key:row:)`` for
        /// NaN/Inf, ``OfflineDataError/invalidData(file:problem:)`` for the others.
        case strict
        /// Load anyway; call ``OfflineDataset/validate(actionBound:)`` to list the problems.
        case report
    }

    /// Loads a D4RL-format file. `observations`, `actions`, `rewards` and `next_observations`
    /// must be float32 or float64 (converted to Float32); integer-typed ones are refused with
    /// their dtype. Rewards and flags may be `(N,)` or `(N, 1)`; flags may be bool, integer or
    /// float but must hold only 0 and 1. `infos/*` may be any numeric type (converted to Float32).
    ///
    /// With ``Validation/strict`` every error-level problem of ``OfflineDataset/validate(actionBound:)``
    /// is thrown: no rows, NaN/Inf, magnitudes beyond ``OfflineDataset/largestUsableMagnitude``,
    /// flags other than 0/1, rows both terminal and timeout (refused, not converted), and, when
    /// `actionBound` is given, actions outside the action space.
    ///
    /// - Parameters:
    ///   - path: The HDF5 file.
    ///   - validation: ``Validation/strict`` (default) refuses bad values; ``Validation/report``
    ///     keeps them (a flag other than 0/1 counts as true when non-zero and is listed in
    ///     ``OfflineDataset/loadProblems``).
    ///   - actionBound: The action space's bound (actions in `[-b, b]`; 1 for the MuJoCo tasks,
    ///     see ``ActionBounds``), or nil when not known.
    /// - Returns: The dataset, with `storedLayout` describing every key as stored.
    /// - Throws: ``HDF5Error`` for missing, non-HDF5, truncated or corrupt files and missing keys;
    ///   ``OfflineDataError`` for unequal lengths, wrong ranks, disagreeing widths, wrong dtypes,
    ///   NaN/Inf (``OfflineDataError/nonFinite(file:key:row:)``) and the other refused values
    ///   (``OfflineDataError/invalidData(file:problem:)``, naming the key and first row).
    public static func load(path: String, validation: Validation = .strict, actionBound: Float? = nil) throws -> OfflineDataset {
        let file = try HDF5File(path: path)
        let root = file.root
        var layout = [String: String]()
        for key in try root.datasetKeys() {
            if let d = try? root.dataset(key) { layout[key] = "\(d.elementType) \(d.shape)" }
        }
        let rewardsSet = try root.dataset("rewards")
        let n = try squeezedLength(rewardsSet, path: path)
        func matrix(_ key: String) throws -> Tensor {
            let d = try root.dataset(key)
            guard d.shape.count == 2 else {
                throw OfflineDataError.wrongShape(file: path, key: key, expected: "(N, features)", found: d.shape)
            }
            guard d.shape[0] == n else {
                throw OfflineDataError.lengthMismatch(file: path, key: key, expected: n, found: d.shape[0])
            }
            try requireFloat(d, path: path)
            return try d.readTensor()
        }
        var loadProblems = [DatasetProblem]()
        func flags(_ key: String) throws -> [Bool] {
            let d = try root.dataset(key)
            let length = try squeezedLength(d, path: path)
            guard length == n else { throw OfflineDataError.lengthMismatch(file: path, key: key, expected: n, found: length) }
            guard d.elementType == .bool || d.elementType.isNumeric else {
                throw OfflineDataError.wrongType(file: path, key: key, expected: "bool or number", found: "\(d.elementType)")
            }
            let values = try d.read(Double.self)
            if let row = values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                let bad = values.count(where: { $0 != 0 && $0 != 1 })
                let problem = DatasetProblem(severity: .error, key: key, row: row,
                                             message: "\(bad) flags are neither 0 nor 1 (first: \(values[row]))")
                if validation == .strict { throw OfflineDataError.invalidData(file: path, problem: problem) }
                loadProblems.append(problem)
            }
            return values.map { $0 != 0 }
        }
        let observations = try matrix("observations")
        let actions = try matrix("actions")
        try requireFloat(rewardsSet, path: path)
        let rewards = try rewardsSet.readTensor().reshaped([n])
        let terminals = try flags("terminals")
        let timeouts = root.contains("timeouts") ? try flags("timeouts") : nil
        let next = root.contains("next_observations") ? try matrix("next_observations") : nil
        if let next, next.shape != observations.shape {
            throw OfflineDataError.wrongShape(file: path, key: "next_observations",
                                              expected: "\(observations.shape.dimensions)", found: next.shape.dimensions)
        }
        var infos = [String: Tensor]()
        if root.kind(of: "infos") == .group {
            let group = try root.group("infos")
            for key in try group.datasetKeys() {
                let d = try group.dataset(key)
                guard d.elementType.isNumeric || d.elementType == .bool, d.shape.count >= 1,
                      d.shape.count <= TensorShape.maxRank else { continue }
                guard d.shape[0] == n else {
                    throw OfflineDataError.lengthMismatch(file: path, key: "infos/" + key, expected: n, found: d.shape[0])
                }
                infos[key] = try d.readTensor()
            }
        }
        var metadata = [String: String]()
        if root.kind(of: "metadata") == .group {
            let group = try root.group("metadata")
            for key in try group.datasetKeys() {
                guard let d = try? group.dataset(key) else { continue }
                if d.elementType == .string, d.count == 1, let text = try? d.readString() {
                    metadata[key] = text
                } else if d.count == 1, d.elementType.isNumeric, let value = try? d.readScalar(Double.self) {
                    metadata[key] = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
                } else {
                    metadata[key] = "\(d.elementType) \(d.shape)"
                }
            }
        }
        var dataset = try OfflineDataset(source: path, observations: observations, actions: actions, rewards: rewards,
                                         terminals: terminals, timeouts: timeouts, nextObservations: next,
                                         infos: infos, metadata: metadata)
        dataset.storedLayout = layout
        dataset.loadProblems = loadProblems
        if validation == .strict, let error = dataset.firstError(actionBound: actionBound) { throw error }
        return dataset
    }

    /// The length of a `(N,)` or `(N, 1)` array.
    static func squeezedLength(_ d: HDF5Dataset, path: String) throws -> Int {
        if d.shape.count == 1 { return d.shape[0] }
        if d.shape.count == 2, d.shape[1] == 1 { return d.shape[0] }
        throw OfflineDataError.wrongShape(file: path, key: d.key, expected: "(N,) or (N, 1)", found: d.shape)
    }

    /// Refuses anything but float32 and float64 (integers included: no silent conversion).
    static func requireFloat(_ d: HDF5Dataset, path: String) throws {
        guard d.elementType == .float32 || d.elementType == .float64 else {
            throw OfflineDataError.wrongType(file: path, key: d.key, expected: "float32 or float64", found: "\(d.elementType)")
        }
    }
}
