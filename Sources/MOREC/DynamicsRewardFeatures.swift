import Foundation

/// The discriminator's input, built as the official reward models build it (`polixir/morec`
/// `models/DataLoader.py`, `models/discriminator_ensemble_loader.py`):
///
/// ```
/// s̃ = (s − min_s) / (max_s − min_s) · 1.6 − 0.8        per dimension, min/max over the data
/// s̃' uses the *observation* min/max as well
/// ã = (a − min_a) / (max_a − min_a) · 2 − 1
/// u = [ s̃, ã, s̃' − s̃ ]                                 width 2·obs + act
/// ```
/// The official feature vector also carries a hidden-factor column `z`, always 0 on MuJoCo; a
/// constant input column changes nothing a network can express, so it is left out here.
public struct DynamicsRewardFeatures: Codable, Sendable, Equatable {
    /// Per-dimension minimum and maximum of the observations, `[obs]` each.
    public var observationLow: [Float], observationHigh: [Float]
    /// Per-dimension minimum and maximum of the actions, `[act]` each.
    public var actionLow: [Float], actionHigh: [Float]

    /// Observation width.
    public var observationDimension: Int { observationLow.count }
    /// Action width.
    public var actionDimension: Int { actionLow.count }
    /// Width of u, `2·obs + act`.
    public var width: Int { 2 * observationDimension + actionDimension }

    /// Creates the features from explicit bounds.
    /// - Throws: ``MORECError/invalidInput(_:)`` when the bounds' widths differ or are empty.
    public init(observationLow: [Float], observationHigh: [Float], actionLow: [Float], actionHigh: [Float]) throws(MORECError) {
        guard !observationLow.isEmpty, observationLow.count == observationHigh.count,
              !actionLow.isEmpty, actionLow.count == actionHigh.count else {
            throw .invalidInput("feature bounds: observation \(observationLow.count)/\(observationHigh.count) and action \(actionLow.count)/\(actionHigh.count) entries")
        }
        self.observationLow = observationLow
        self.observationHigh = observationHigh
        self.actionLow = actionLow
        self.actionHigh = actionHigh
    }

    /// The min/max bounds of `observations` (`[N, obs]`) and `actions` (`[N, act]`).
    /// - Throws: ``MORECError/invalidInput(_:)`` for empty or non-finite data.
    public init(observations: Tensor, actions: Tensor) throws(MORECError) {
        guard observations.rank == 2, actions.rank == 2, observations.shape[0] > 0, observations.shape[0] == actions.shape[0] else {
            throw .invalidInput("feature bounds need [N, obs] observations and [N, act] actions, got \(observations.shape) and \(actions.shape)")
        }
        guard observations.isFinite && actions.isFinite else { throw .invalidInput("the data holds NaN or infinite values") }
        try self.init(observationLow: observations.min(axis: 0).scalars, observationHigh: observations.max(axis: 0).scalars,
                      actionLow: actions.min(axis: 0).scalars, actionHigh: actions.max(axis: 0).scalars)
    }

    /// Scale factors: `x̃ = x·scale + offset`. A constant dimension gets a unit range instead of a division by zero.
    func affine() -> (obsScale: [Float], obsOffset: [Float], actScale: [Float], actOffset: [Float]) {
        func map(_ low: [Float], _ high: [Float], span: Float) -> ([Float], [Float]) {
            var scale = [Float](), offset = [Float]()
            for (l, h) in zip(low, high) {
                let s = span / Swift.max(h - l, 1e-6)
                scale.append(s)
                offset.append(-l * s - span / 2)
            }
            return (scale, offset)
        }
        let o = map(observationLow, observationHigh, span: 1.6), a = map(actionLow, actionHigh, span: 2)
        return (o.0, o.1, a.0, a.1)
    }

    /// s̃ and ã, `[B, obs + act]`: the generator's input.
    public func normalizedInputs(observations: Tensor, actions: Tensor) -> Tensor {
        let rows = observations.shape[0], o = observationDimension, a = actionDimension
        precondition(observations.shape == [rows, o] && actions.shape == [rows, a],
                     "DynamicsRewardFeatures: observations \(observations.shape) and actions \(actions.shape), expected [B, \(o)] and [B, \(a)]")
        let (os, oo, as_, ao) = affine()
        return Tensor(shape: [rows, o + a]) { x in
            observations.withUnsafeBufferPointer { s in
                actions.withUnsafeBufferPointer { u in
                    for r in 0..<rows {
                        for j in 0..<o { x[r * (o + a) + j] = s[r * o + j] * os[j] + oo[j] }
                        for j in 0..<a { x[r * (o + a) + o + j] = u[r * a + j] * as_[j] + ao[j] }
                    }
                }
            }
        }
    }

    /// s̃' − s̃ = (s' − s)·scale, `[B, obs]`: the generator's target.
    public func normalizedDeltas(observations: Tensor, nextObservations: Tensor) -> Tensor {
        precondition(observations.shape == nextObservations.shape, "DynamicsRewardFeatures: s \(observations.shape) and s' \(nextObservations.shape) differ")
        let o = observationDimension, scale = affine().obsScale
        return Tensor(shape: observations.shape) { d in
            observations.withUnsafeBufferPointer { s in
                nextObservations.withUnsafeBufferPointer { n in
                    for i in 0..<d.count { d[i] = (n[i] - s[i]) * scale[i % o] }
                }
            }
        }
    }

    /// u for candidate next states: `candidates [C, B, obs]` (or `[B, obs]`, C = 1) → `[C·B, width]`,
    /// candidate-major (row `c·B + b`).
    public func features(observations: Tensor, actions: Tensor, candidates: Tensor) -> Tensor {
        let rows = observations.shape[0], o = observationDimension, a = actionDimension, w = width
        let count = candidates.rank == 3 ? candidates.shape[0] : 1
        precondition(candidates.count == count * rows * o,
                     "DynamicsRewardFeatures: candidates \(candidates.shape) for \(rows) rows of width \(o)")
        let inputs = normalizedInputs(observations: observations, actions: actions)        // [B, o + a]
        let scale = affine().obsScale
        return Tensor(shape: [count * rows, w]) { u in
            inputs.withUnsafeBufferPointer { x in
                observations.withUnsafeBufferPointer { s in
                    candidates.withUnsafeBufferPointer { n in
                        for c in 0..<count {
                            for r in 0..<rows {
                                let dst = (c * rows + r) * w, src = (c * rows + r) * o
                                for j in 0..<(o + a) { u[dst + j] = x[r * (o + a) + j] }
                                for j in 0..<o { u[dst + o + a + j] = (n[src + j] - s[r * o + j]) * scale[j] }
                            }
                        }
                    }
                }
            }
        }
    }
}
