/// Returns of a policy run in an environment, one per episode.
public struct EvaluationResult: Codable, Sendable, Equatable {
    /// Undiscounted return of each episode.
    public var returns: [Double]
    /// Length of each episode.
    public var lengths: [Int]

    /// Mean return.
    public var mean: Double { returns.isEmpty ? .nan : returns.reduce(0, +) / Double(returns.count) }
    /// Population standard deviation of the returns.
    public var standardDeviation: Double {
        guard returns.count > 1 else { return 0 }
        let m = mean
        return (returns.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(returns.count)).squareRoot()
    }
}

/// Runs `episodes` episodes of `policy` in `environment` (episode i reset with seed `seed + i`).
///
/// - Parameters:
///   - policy: maps one observation `[1, obs]` to one action `[1, act]` (deterministic for evaluation).
///   - environment: the task, wrapped in a ``TimeLimit`` so episodes end.
///   - episodes: how many episodes.
///   - seed: the first episode's reset seed.
public func evaluate(policy: (Tensor) -> Tensor, environment: inout any Environment, episodes: Int,
                     seed: UInt64) -> EvaluationResult {
    let o = environment.observationSpec.dimension
    var observation = [Float](repeating: 0, count: o)
    var result = EvaluationResult(returns: [], lengths: [])
    for episode in 0..<episodes {
        environment.reset(seed: seed &+ UInt64(episode), into: &observation)
        var total = 0.0, length = 0
        while true {
            let action = policy(Tensor(shape: [1, o], scalars: observation)).scalars
            let outcome = environment.step(action, into: &observation)
            total += outcome.reward
            length += 1
            if outcome.terminated || outcome.truncated { break }
        }
        result.returns.append(total)
        result.lengths.append(length)
    }
    return result
}
