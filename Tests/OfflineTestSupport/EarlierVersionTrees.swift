import PolicyLearning

extension JSONValue {
    /// This settings tree without the key at `path` (`["sac", "standardizeObservations"]`), as a
    /// version from before that setting existed wrote it; `nil` when the tree has no such key.
    public func removing(_ path: [String]) -> JSONValue? {
        guard let key = path.first, case var .object(fields) = self, let child = fields[key] else { return nil }
        if path.count == 1 {
            fields[key] = nil
        } else {
            guard let trimmed = child.removing(Array(path.dropFirst())) else { return nil }
            fields[key] = trimmed
        }
        return .object(fields)
    }
}
