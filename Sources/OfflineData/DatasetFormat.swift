/// The on-disk layouts this library reads, told apart by path: a Minari dataset folder, a NeoRL
/// `.npz`, or a D4RL-layout HDF5 file.
public enum DatasetFormat: String, Sendable, CaseIterable {
    /// D4RL's flat HDF5 file (``D4RLFile``).
    case d4rl
    /// NeoRL's `.npz` archive (``NeoRLFile``).
    case neorl
    /// A Minari dataset folder (``MinariFile``).
    case minari

    /// The format of `path`: ``minari`` for a folder holding `data/main_data.hdf5` or
    /// `data/metadata.json` (or that `data/` folder, or `main_data.hdf5` itself), ``neorl`` for
    /// `.npz`, else ``d4rl``.
    public static func of(path: String) -> DatasetFormat {
        if MinariFile.isDataset(path) { return .minari }
        return path.hasSuffix(".npz") ? .neorl : .d4rl
    }

    /// Loads `path` with the reader of its format (``of(path:)``).
    /// - Parameters:
    ///   - path: A D4RL file, a NeoRL `.npz` or a Minari dataset folder.
    ///   - validation: As for ``D4RLFile/load(path:validation:actionBound:)`` (NeoRL files are
    ///     always checked strictly).
    ///   - actionBound: The action space's bound, when known.
    /// - Throws: The format's loader errors.
    public static func load(path: String, validation: D4RLFile.Validation = .strict,
                            actionBound: Float? = nil) throws -> OfflineDataset {
        switch of(path: path) {
        case .minari: return try MinariFile.load(path: path, validation: validation, actionBound: actionBound)
        case .neorl: return try NeoRLFile.load(path: path)
        case .d4rl: return try D4RLFile.load(path: path, validation: validation, actionBound: actionBound)
        }
    }
}
