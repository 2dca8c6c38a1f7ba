import HDF5

extension D4RLFile {
    /// The floating-point type arrays are stored as.
    public enum StoredFloat: Sendable {
        /// float32, as D4RL's random, medium, expert and medium-expert files.
        case float32
        /// float64, as D4RL's medium-replay and full-replay files.
        case float64
    }

    /// Writes a dataset in D4RL's layout so d4rl/h5py users can read it: `observations`,
    /// `actions`, `next_observations` (when present), `rewards` `(N,)`, `terminals` and
    /// `timeouts` as h5py booleans, `infos/*`, and string or integer `metadata/*`, every array
    /// gzip-compressed with h5py's chunk rule, as `create_dataset(..., compression="gzip")` does.
    ///
    /// - Parameters:
    ///   - dataset: The data.
    ///   - path: Destination; an existing file is replaced.
    ///   - floatType: ``StoredFloat/float32`` (default) or ``StoredFloat/float64``.
    ///   - metadata: Extra scalar metadata: numbers written as int32 when integral, else strings
    ///     as byte strings (`metadata/algorithm = b"SAC"`). Merged over `dataset.metadata`.
    /// - Throws: ``HDF5Error`` when the file cannot be created or written.
    public static func write(_ dataset: OfflineDataset, to path: String, floatType: StoredFloat = .float32,
                             metadata: [String: String] = [:]) throws {
        let file = try HDF5File(path: path, mode: .create)
        let root = file.root
        func put(_ tensor: Tensor, _ key: String) throws {
            switch floatType {
            case .float32: try root.write(tensor, at: key, options: .h5pyGzip)
            case .float64:
                let doubles = tensor.withUnsafeBufferPointer { $0.map(Double.init) }
                try root.write(doubles, shape: tensor.shape.dimensions, at: key, options: .h5pyGzip)
            }
        }
        try put(dataset.observations, "observations")
        try put(dataset.actions, "actions")
        if let next = dataset.nextObservations { try put(next, "next_observations") }
        try put(dataset.rewards, "rewards")
        try root.write(dataset.terminals, at: "terminals", options: .h5pyGzip)
        try root.write(dataset.timeouts ?? [Bool](repeating: false, count: dataset.count), at: "timeouts",
                       options: .h5pyGzip)
        for key in dataset.infos.keys.sorted() { try put(dataset.infos[key]!, "infos/" + key) }
        let merged = dataset.metadata.merging(metadata) { $1 }
        for key in merged.keys.sorted() {
            let value = merged[key]!
            if let integer = Int32(value) {
                try root.writeScalar(integer, at: "metadata/" + key)
            } else {
                try root.write(value, at: "metadata/" + key)
            }
        }
        try file.flush()
    }
}
