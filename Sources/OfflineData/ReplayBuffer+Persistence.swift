import HDF5

// Row appends for online collection, and saving/restoring a buffer inside an HDF5 checkpoint.

extension ReplayBuffer {
    /// Appends one transition (overwriting the oldest once full) without allocating.
    public mutating func append(observation: UnsafeBufferPointer<Float>, action: UnsafeBufferPointer<Float>,
                                reward: Float, nextObservation: UnsafeBufferPointer<Float>, terminal: Bool) {
        precondition(observation.count == observationDimension && nextObservation.count == observationDimension
                         && action.count == actionDimension,
                     "ReplayBuffer.append: widths \(observation.count)/\(action.count) do not match \(observationDimension)/\(actionDimension)")
        let i = next, o = observationDimension, a = actionDimension
        observations.withUnsafeMutableBufferPointer { (p: UnsafeMutableBufferPointer<Float>) in
            (p.baseAddress! + i * o).update(from: observation.baseAddress!, count: o)
        }
        nextObservations.withUnsafeMutableBufferPointer { (p: UnsafeMutableBufferPointer<Float>) in
            (p.baseAddress! + i * o).update(from: nextObservation.baseAddress!, count: o)
        }
        actions.withUnsafeMutableBufferPointer { (p: UnsafeMutableBufferPointer<Float>) in
            (p.baseAddress! + i * a).update(from: action.baseAddress!, count: a)
        }
        rewards.withUnsafeMutableBufferPointer { $0[i] = reward }
        terminals.withUnsafeMutableBufferPointer { $0[i] = terminal ? 1 : 0 }
        rolloutSteps[i] = -1
        next = (next + 1) % capacity
        count = Swift.min(count + 1, capacity)
    }

    /// The held transitions in insertion order (oldest first), copied out.
    public func orderedTransitions() -> (observations: Tensor, actions: Tensor, rewards: Tensor,
                                          nextObservations: Tensor, terminals: Tensor) {
        let start = count < capacity ? 0 : next
        let order = (0..<count).map { (start + $0) % capacity }
        return (observations.gather(order), actions.gather(order), rewards.gather(order),
                nextObservations.gather(order), terminals.gather(order))
    }

    /// Writes the buffer (contents and write position) under `group`.
    public func save(to group: HDF5Group) throws {
        try group.writeScalar(Int64(capacity), at: "capacity")
        try group.writeScalar(Int64(count), at: "count")
        try group.writeScalar(Int64(next), at: "next")
        let rows = 0..<count
        try group.write(observations.slice(rows), at: "observations")
        try group.write(actions.slice(rows), at: "actions")
        try group.write(rewards.slice(rows), at: "rewards")
        try group.write(nextObservations.slice(rows), at: "next_observations")
        try group.write(terminals.slice(rows), at: "terminals")
        if rolloutSteps[rows].contains(where: { $0 >= 0 }) {
            try group.write(Tensor(shape: [count], scalars: rolloutSteps[rows].map(Float.init)), at: "rollout_steps")
        }
    }

    /// Restores a buffer written by ``save(to:)``, optionally into a larger one: with `capacity`
    /// above the saved capacity the rows move oldest first into the bigger ring, exactly as a
    /// buffer of that capacity from the start would hold them (a run extended to more steps).
    /// - Throws: ``HDF5Error`` for a missing key or wrong shape.
    public init(restoringFrom group: HDF5Group, capacity newCapacity: Int? = nil) throws {
        let saved = try ReplayBuffer(savedIn: group)
        guard let newCapacity, newCapacity > saved.capacity else { self = saved; return }
        self.init(capacity: newCapacity, observationDimension: saved.observationDimension, actionDimension: saved.actionDimension)
        let ordered = saved.orderedTransitions()
        let rows = 0..<saved.count
        observations.assignSlice(rows, from: ordered.observations)
        actions.assignSlice(rows, from: ordered.actions)
        rewards.assignSlice(rows, from: ordered.rewards)
        nextObservations.assignSlice(rows, from: ordered.nextObservations)
        terminals.assignSlice(rows, from: ordered.terminals)
        let start = saved.count < saved.capacity ? 0 : saved.next
        for (i, j) in rows.enumerated() { rolloutSteps[i] = saved.rolloutSteps[(start + j) % saved.capacity] }
        count = saved.count
        next = saved.count % newCapacity
    }

    /// Restores a buffer written by ``save(to:)`` with its saved capacity.
    private init(savedIn group: HDF5Group) throws {
        let capacity = Int(try group.dataset("capacity").readScalar(Int64.self))
        let count = Int(try group.dataset("count").readScalar(Int64.self))
        let observations = try group.dataset("observations").readTensor()
        let actions = try group.dataset("actions").readTensor()
        guard capacity > 0, count <= capacity, observations.rank == 2, actions.rank == 2,
              observations.shape[0] == count, actions.shape[0] == count else {
            throw OfflineDataError.wrongShape(file: group.file, key: group.key + "/observations",
                                              expected: "[count ≤ capacity \(capacity), obs] with actions [count, act]",
                                              found: observations.shape.dimensions)
        }
        self.init(capacity: capacity, observationDimension: observations.shape[1], actionDimension: actions.shape[1])
        let rows = 0..<count
        self.observations.assignSlice(rows, from: observations)
        self.actions.assignSlice(rows, from: actions)
        self.rewards.assignSlice(rows, from: try group.dataset("rewards").readTensor())
        self.nextObservations.assignSlice(rows, from: try group.dataset("next_observations").readTensor())
        self.terminals.assignSlice(rows, from: try group.dataset("terminals").readTensor())
        if group.contains("rollout_steps") {
            let steps = try group.dataset("rollout_steps").readTensor()
            guard steps.count == count else {
                throw OfflineDataError.wrongShape(file: group.file, key: group.key + "/rollout_steps", expected: "[\(count)]",
                                                  found: steps.shape.dimensions)
            }
            for i in 0..<count { rolloutSteps[i] = Int32(steps.scalars[i]) }
        }
        self.count = count
        self.next = Int(try group.dataset("next").readScalar(Int64.self))
    }
}
