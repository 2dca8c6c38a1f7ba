/// A dataset found by name or path, loaded, with the task it was collected in: what the offline
/// trainer and every analysis of a dataset start from.
public struct ResolvedDataset {
    /// The file's path.
    public let path: String
    /// The registry entry (reference returns for normalized scores), if the name is registered.
    public let entry: DatasetEntry?
    /// The loaded file.
    public let dataset: OfflineDataset
    /// The task's name, lowercased (`hopper`).
    public let environment: String

    /// Finds and loads `name` (a registered name or a D4RL-layout path); the task is `environment`
    /// if given, else the registry entry's, else the file's `metadata/environment`.
    /// - Throws: dataset errors (an unknown name lists the closest known ones), HDF5 errors, and
    ///   ``OfflineTrainingError/unknownEnvironment(dataset:)`` when the task cannot be told.
    public init(_ name: String, environment: String? = nil) throws {
        let registry = try DatasetRegistry.standard()
        (path, entry) = try registry.resolve(name)
        dataset = try D4RLFile.load(path: path)
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

    /// The file's identity (size and SHA-256), which a run records so a resume can tell that its
    /// dataset's content changed.
    /// - Throws: ``OfflineDataError`` when the file cannot be read.
    public func identity() throws -> DatasetIdentity { try DatasetIdentity(path: path) }
}
