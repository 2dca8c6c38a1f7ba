extension DynamicsEnsemble {
    /// The part name under which the model is stored in a ``NeuralNetworks/Checkpoint`` file.
    public static let checkpointPart = "dynamics"

    /// Saves every parameter and buffer (network, log-variance bounds, input scaler, elites) and
    /// the Adam state as HDF5 (`/dynamics/parameters/<name>`, `/dynamics/optimizer/<name>.<field>`;
    /// h5py reads them by name, e.g. `f["dynamics/parameters/inputMean"]`).
    /// - Throws: ``DynamicsModelError/checkpoint(file:problem:)``.
    public func save(to path: String) throws(DynamicsModelError) {
        do {
            try Checkpoint.save(to: path, parts: [Self.checkpointPart: (network, optimizer)])
        } catch {
            throw .checkpoint(file: path, problem: "\(error)")
        }
    }

    /// Loads a file written by ``save(to:)`` into this model, which must have been built with the
    /// same dimensions and configuration (every name and shape is checked).
    /// - Throws: ``DynamicsModelError/checkpoint(file:problem:)`` naming the missing or mismatched key.
    public func load(from path: String) throws(DynamicsModelError) {
        do {
            try Checkpoint.load(from: path, parts: [Self.checkpointPart: (network, optimizer)])
        } catch {
            throw .checkpoint(file: path, problem: "\(error)")
        }
        let elites = self.elites
        guard elites.count == configuration.elites, elites.allSatisfy({ (0..<configuration.members).contains($0) }) else {
            throw .checkpoint(file: path, problem: "elites \(elites) are not \(configuration.elites) members of 0..<\(configuration.members)")
        }
        holdoutErrors = nil
        parametersDidChange()
    }
}
