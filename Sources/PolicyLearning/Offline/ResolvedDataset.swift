import Foundation

/// A dataset found by name or path, loaded, with the task it was collected in: what the offline
/// trainer and every analysis of a dataset start from.
public struct ResolvedDataset {
    /// The file's path (for a Minari dataset, its folder).
    public let path: String
    /// The registry entry (reference returns for normalized scores), if the name is registered;
    /// a Minari dataset's own `ref_min_score`/`ref_max_score` replace the entry's.
    public let entry: DatasetEntry?
    /// The loaded file.
    public let dataset: OfflineDataset
    /// The task's name, lowercased (`hopper`).
    public let environment: String

    /// Finds and loads `name` (a registered name, a D4RL-layout file, a NeoRL `.npz` or a Minari
    /// dataset folder, see ``DatasetFormat``); the task is `environment` if given, else the
    /// registry entry's, else the file's `metadata/environment` (a Minari dataset's: from its
    /// `env_spec`, `Hopper-v5` → `hopper-v5`).
    /// - Throws: dataset errors (an unknown name lists the closest known ones), HDF5 errors, and
    ///   ``OfflineTrainingError/unknownEnvironment(dataset:)`` when the task cannot be told.
    public init(_ name: String, environment: String? = nil) throws {
        let registry = try DatasetRegistry.standard()
        let (path, registered) = try registry.resolve(name)
        self.path = path
        dataset = try DatasetFormat.load(path: path)
        entry = registered?.withReferenceScores(from: dataset.metadata)
        guard let task = environment ?? entry?.environment ?? dataset.metadata["environment"] else {
            throw OfflineTrainingError.unknownEnvironment(dataset: name)
        }
        self.environment = task.lowercased()
        // The task is known only now: actions outside its action space are an error, not data.
        if let bound = ActionBounds.bound(forEnvironment: self.environment),
           let problem = dataset.validate(actionBound: bound).first(where: { $0.severity == .error }) {
            throw OfflineDataError.invalidData(file: path, problem: problem)
        }
    }

    /// The file's identity (size and SHA-256; a Minari dataset's `data/main_data.hdf5`), which a
    /// run records so a resume can tell that its dataset's content changed.
    /// - Throws: ``OfflineDataError`` when the file cannot be read.
    public func identity() throws -> DatasetIdentity {
        guard let data = MinariFile.dataDirectory(of: path) else { return try DatasetIdentity(path: path) }
        return try DatasetIdentity(path: (data as NSString).appendingPathComponent("main_data.hdf5"))
    }
}
