/// A fixed-capacity ring buffer of transitions with uniform sampling into a preallocated
/// ``TransitionBatch`` (no allocation per batch or per sample).
///
/// Holds the offline dataset (``init(_:)``) or model rollouts (``init(capacity:observationDimension:actionDimension:)``
/// and ``add(_:)``, which overwrites the oldest rows when full).
public struct ReplayBuffer: Sendable {
    /// The most transitions it holds.
    public let capacity: Int
    /// The observation width of every row.
    public let observationDimension: Int
    /// The action width of every row.
    public let actionDimension: Int
    /// The number of transitions held.
    public internal(set) var count = 0
    // Internal (not private) so the persistence and row-append extensions can reach them.
    var next = 0
    var observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminals: Tensor
    /// The model-rollout step each row was made at (0-based), or −1 for real data: the tag that
    /// RAVL's edge-of-reach diagnostics group by.
    public internal(set) var rolloutSteps: [Int32]

    /// An empty buffer.
    public init(capacity: Int, observationDimension: Int, actionDimension: Int) {
        precondition(capacity > 0, "ReplayBuffer: capacity must be positive")
        self.capacity = capacity
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        observations = .zeros([capacity, observationDimension])
        actions = .zeros([capacity, actionDimension])
        rewards = .zeros([capacity])
        nextObservations = .zeros([capacity, observationDimension])
        terminals = .zeros([capacity])
        rolloutSteps = [Int32](repeating: -1, count: capacity)
    }

    /// A full buffer holding exactly `transitions` (shares their storage; no copy).
    public init(_ transitions: Transitions) {
        precondition(transitions.count > 0, "ReplayBuffer: no transitions")
        capacity = transitions.count
        count = transitions.count
        observationDimension = transitions.observations.shape[1]
        actionDimension = transitions.actions.shape[1]
        observations = transitions.observations
        actions = transitions.actions
        rewards = transitions.rewards
        nextObservations = transitions.nextObservations
        terminals = transitions.terminals
        rolloutSteps = transitions.rolloutSteps ?? [Int32](repeating: -1, count: transitions.count)
    }

    /// Appends transitions, overwriting the oldest once full.
    public mutating func add(_ batch: Transitions) {
        precondition(batch.observations.shape[1] == observationDimension && batch.actions.shape[1] == actionDimension,
                     "ReplayBuffer.add: widths \(batch.observations.shape)/\(batch.actions.shape) do not match \(observationDimension)/\(actionDimension)")
        let o = observationDimension, a = actionDimension
        for j in 0..<batch.count {
            let i = next
            Self.copyRow(batch.observations, j, into: &observations, i, width: o)
            Self.copyRow(batch.actions, j, into: &actions, i, width: a)
            Self.copyRow(batch.rewards, j, into: &rewards, i, width: 1)
            Self.copyRow(batch.nextObservations, j, into: &nextObservations, i, width: o)
            Self.copyRow(batch.terminals, j, into: &terminals, i, width: 1)
            rolloutSteps[i] = batch.rolloutSteps?[j] ?? -1
            next = (next + 1) % capacity
            count = Swift.min(count + 1, capacity)
        }
    }

    private static func copyRow(_ source: Tensor, _ j: Int, into target: inout Tensor, _ i: Int, width: Int) {
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                (t.baseAddress! + i * width).update(from: s.baseAddress! + j * width, count: width)
            }
        }
    }

    /// Fills rows `rows` of `batch` with transitions drawn uniformly with replacement.
    ///
    /// - Parameters:
    ///   - batch: The destination; its widths must match the buffer's.
    ///   - rows: Which batch rows to fill (default all).
    ///   - rng: The generator to draw indices from.
    public func sample(into batch: inout TransitionBatch, rows: Range<Int>? = nil, rng: inout RandomGenerator) {
        let target = rows ?? 0..<batch.batchSize
        precondition(count > 0, "ReplayBuffer.sample: the buffer is empty")
        precondition(batch.observations.shape[1] == observationDimension && batch.actions.shape[1] == actionDimension,
                     "ReplayBuffer.sample: batch widths do not match the buffer")
        let o = observationDimension, a = actionDimension, n = count
        // One pass per field keeps every pointer hoisted; the indices are drawn once into the
        // rewards row first and replayed from a saved generator state for the other fields.
        let start = rng
        Self.gather(observations, into: &batch.observations, rows: target, width: o, n: n, rng: &rng)
        var replay = start
        Self.gather(actions, into: &batch.actions, rows: target, width: a, n: n, rng: &replay)
        replay = start
        Self.gather(rewards, into: &batch.rewards, rows: target, width: 1, n: n, rng: &replay)
        replay = start
        Self.gather(nextObservations, into: &batch.nextObservations, rows: target, width: o, n: n, rng: &replay)
        replay = start
        Self.gather(terminals, into: &batch.terminals, rows: target, width: 1, n: n, rng: &replay)
        replay = start
        rolloutSteps.withUnsafeBufferPointer { s in
            batch.rolloutSteps.withUnsafeMutableBufferPointer { t in
                for row in target { t[row] = s[replay.integer(below: n)] }
            }
        }
    }

    private static func gather(_ source: Tensor, into target: inout Tensor, rows: Range<Int>, width: Int, n: Int,
                               rng: inout RandomGenerator) {
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                let src = s.baseAddress!, dst = t.baseAddress!
                for row in rows {
                    let i = rng.integer(below: n)
                    (dst + row * width).update(from: src + i * width, count: width)
                }
            }
        }
    }
}

/// Draws a fixed fraction of each batch from real data and the rest from a model buffer
/// (MOPO/MOBILE's `real_ratio`, typically 0.05), writing into a preallocated batch.
public struct MixedSampler: Sendable {
    /// The fraction of rows drawn from real data, in [0, 1].
    public var realRatio: Double

    /// Creates a sampler.
    /// - Parameter realRatio: Fraction of each batch from the real buffer.
    public init(realRatio: Double) {
        precondition((0...1).contains(realRatio), "MixedSampler: realRatio \(realRatio) is not in [0, 1]")
        self.realRatio = realRatio
    }

    /// The number of real rows in a batch of `batchSize` (`Int(batchSize × realRatio)`, as
    /// OfflineRL-Kit); all rows are real while the model buffer is empty.
    public func realCount(batchSize: Int, modelCount: Int) -> Int {
        modelCount == 0 ? batchSize : Int(Double(batchSize) * realRatio)
    }

    /// Fills `batch`: the first real rows from `real`, the rest from `model`.
    public func sample(real: ReplayBuffer, model: ReplayBuffer, into batch: inout TransitionBatch,
                       rng: inout RandomGenerator) {
        let b = batch.batchSize
        let r = realCount(batchSize: b, modelCount: model.count)
        if r > 0 { real.sample(into: &batch, rows: 0..<r, rng: &rng) }
        if r < b { model.sample(into: &batch, rows: r..<b, rng: &rng) }
    }
}
