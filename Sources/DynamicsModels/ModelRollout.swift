/// Branched model rollouts (Janner et al. 2019, MBPO, Algorithm 2; OfflineRL-Kit
/// `MOPOPolicy.rollout`, `offlinerlkit/policy/model_based/mopo.py`): from a batch of dataset states, the
/// policy acts and the model samples for `horizon` steps; every sampled transition (terminal ones
/// included) goes into the model buffer, and a row that terminated does not continue.
///
/// ```
/// S ← start states                                        (e.g. 50,000 drawn from the real buffer)
/// for t in 1…h:  a = π(S);  (S', r, done) ~ model(S, a)
///                keep = filter(S, a, ·)                  (MOREC; rejected rows: not stored, not continued)
///                r̃ = r − λ·u(S, a)                       (MOPO, Yu et al. 2020 §4 eq. (5))
///                observers see the step                   (diagnostics)
///                store (S, a, r̃, S', done, t)[keep];  S ← S'[keep ∧ ¬done];  stop when no row is left
/// ```
/// Start states are processed in chunks of ``chunkSize`` rows (chunks keep each activation in
/// cache, measured in `Experiments/performance/README.md`; rows are independent, so only the
/// order of random draws changes).
/// The transitions are staged in preallocated arrays and added to the buffer once, chunk after
/// chunk. Results are deterministic for a given seed and chunk size.
///
/// ```swift
/// var modelBuffer = ModelRollout.makeModelBuffer(rolloutBatchSize: 50_000, horizon: 5, retainEpochs: 5,
///                                                observationDimension: 17, actionDimension: 6)
/// let rollout = ModelRollout(horizon: 5)
/// let stats = rollout.run(model: ensemble, from: realBuffer, count: 50_000, policy: { s, rng in
///     actor.sample(s, rng: &rng)
/// }, penalty: MOPOPenalty(coefficient: 0.5), into: &modelBuffer, rng: &rng)
/// ```
public struct ModelRollout: Sendable, Codable, Equatable {
    /// Steps per rollout, h (MOPO/MOBILE: 1 or 5 per task, from OfflineRL-Kit's `run_mopo.py`
    /// and the official MOBILE configurations; PolicyLearning's MOPO and MOBILE articles).
    public var horizon: Int
    /// Start states per chunk.
    public var chunkSize: Int

    /// Creates a rollout of `horizon` steps in chunks of `chunkSize` start states.
    public init(horizon: Int, chunkSize: Int = 2_000) {
        precondition(horizon > 0 && chunkSize > 0, "ModelRollout: horizon \(horizon) and chunkSize \(chunkSize) must be positive")
        self.horizon = horizon
        self.chunkSize = chunkSize
    }

    /// Kit's model-buffer size: `rolloutBatchSize · horizon · retainEpochs` (FIFO), so the buffer
    /// holds the last `retainEpochs` rollouts (`model_retain_epochs`, default 5).
    public static func modelBufferCapacity(rolloutBatchSize: Int, horizon: Int, retainEpochs: Int = 5) -> Int {
        rolloutBatchSize * horizon * retainEpochs
    }

    /// An empty FIFO model buffer of ``modelBufferCapacity(rolloutBatchSize:horizon:retainEpochs:)`` rows.
    public static func makeModelBuffer(rolloutBatchSize: Int, horizon: Int, retainEpochs: Int = 5,
                                       observationDimension: Int, actionDimension: Int) -> ReplayBuffer {
        ReplayBuffer(capacity: modelBufferCapacity(rolloutBatchSize: rolloutBatchSize, horizon: horizon, retainEpochs: retainEpochs),
                     observationDimension: observationDimension, actionDimension: actionDimension)
    }

    /// Rolls out from `count` start states drawn uniformly (with replacement) from `real`.
    public func run(model: some DynamicsModel, from real: ReplayBuffer, count: Int,
                    policy: (Tensor, inout RandomGenerator) -> Tensor, filter: (any TransitionFilter)? = nil,
                    penalty: (any RewardPenalty)? = nil, observers: [any RolloutObserver] = [],
                    into buffer: inout ReplayBuffer, rng: inout RandomGenerator) -> RolloutStatistics {
        var batch = TransitionBatch(batchSize: count, observationDimension: real.observationDimension,
                                    actionDimension: real.actionDimension)
        real.sample(into: &batch, rng: &rng)
        return run(model: model, startObservations: batch.observations, policy: policy, filter: filter, penalty: penalty,
                   observers: observers, into: &buffer, rng: &rng)
    }

    /// Rolls out from every row of `startObservations` (`[N, obs]`) and adds the kept transitions to `buffer`.
    ///
    /// - Parameters:
    ///   - model: the dynamics model.
    ///   - startObservations: `[N, obs]`.
    ///   - policy: maps states `[B, obs]` to actions `[B, act]` (e.g. a SAC actor's sample).
    ///   - filter: decides which sampled transitions to keep and may rewrite them (MOREC); rejected
    ///     rows are neither stored nor continued. `nil` keeps all.
    ///   - penalty: subtracted from the model reward of kept rows before storing (MOPO), or `nil`.
    ///   - observers: see every step (diagnostics); they cannot change the rollout.
    ///   - buffer: the model buffer; its oldest rows are overwritten when full.
    ///   - rng: every random draw (policy, model, filter).
    ///   - timer: accumulates the time of each phase when given (benchmarks); results do not depend on it.
    /// - Returns: counts and means of what was added.
    public func run(model: some DynamicsModel, startObservations: Tensor,
                    policy: (Tensor, inout RandomGenerator) -> Tensor, filter: (any TransitionFilter)? = nil,
                    penalty: (any RewardPenalty)? = nil, observers: [any RolloutObserver] = [],
                    into buffer: inout ReplayBuffer, rng: inout RandomGenerator, timer: RolloutTimer? = nil) -> RolloutStatistics {
        let o = model.observationDimension, a = model.actionDimension
        precondition(startObservations.rank == 2 && startObservations.shape[1] == o,
                     "ModelRollout: start observations \(startObservations.shape), expected [N, \(o)]")
        precondition(buffer.observationDimension == o && buffer.actionDimension == a,
                     "ModelRollout: buffer widths \(buffer.observationDimension)/\(buffer.actionDimension) differ from the model's \(o)/\(a)")
        let n = startObservations.shape[0]
        var staging = RolloutStaging(capacity: n * horizon, observationDimension: o, actionDimension: a)
        var statistics = RolloutStatistics(horizon: horizon)
        statistics.startStates = n
        let needsStatistics = (penalty?.needsMemberStatistics ?? false) || (filter?.needsMemberStatistics ?? false)
        var chunkStart = 0
        while chunkStart < n {
            let chunkEnd = min(chunkStart + chunkSize, n)
            var states = startObservations.slice(chunkStart..<chunkEnd, axis: 0)
            for t in 0..<horizon {
                let rows = states.shape[0]
                if rows == 0 { break }
                var clock = timer == nil ? 0 : monotonicSeconds()
                let actions = policy(states, &rng)
                precondition(actions.shape == [rows, a], "ModelRollout: policy returned \(actions.shape), expected [\(rows), \(a)]")
                var step = model.step(states, actions, memberStatistics: needsStatistics, rng: &rng)
                if let timer { clock = timer.lap(.model, since: clock) }
                let kept = filter?.filter(observations: states, actions: actions, step: &step, model: model, rng: &rng)
                    ?? [Bool](repeating: true, count: rows)
                precondition(kept.count == rows && step.count == rows,
                             "ModelRollout: the filter returned \(kept.count) flags and \(step.count) rows for \(rows) rows")
                var rewards = step.rewards
                var penalties: Tensor?
                if let penalty {
                    let u = penalty.penalty(for: step)
                    rewards.addScaled(u, alpha: -penalty.coefficient)
                    penalties = u
                }
                for observer in observers {
                    observer.observe(RolloutStepEvent(t: t, horizon: horizon, observations: states, actions: actions,
                                                      step: step, storedRewards: rewards, kept: kept))
                }
                if let timer { clock = timer.lap(.filterAndPenalty, since: clock) }
                // Rows stored (kept) and rows continued (kept and not terminal).
                var stored = [Int](), continuing = [Int]()
                stored.reserveCapacity(rows)
                continuing.reserveCapacity(rows)
                step.terminals.withUnsafeBufferPointer { done in
                    for i in 0..<rows where kept[i] {
                        stored.append(i)
                        if done[i] == 0 { continuing.append(i) }
                    }
                }
                statistics.record(t: t, rows: rows, stored: stored, continuing: continuing.count,
                                  raw: step.rewards, penalised: rewards, penalties: penalties)
                if stored.count == rows {
                    staging.append(states, actions, rewards, step.nextObservations, step.terminals, t: t)
                } else if !stored.isEmpty {
                    staging.append(states.gather(stored, axis: 0), actions.gather(stored, axis: 0), rewards.gather(stored, axis: 0),
                                   step.nextObservations.gather(stored, axis: 0), step.terminals.gather(stored, axis: 0), t: t)
                }
                states = continuing.count == rows ? step.nextObservations : step.nextObservations.gather(continuing, axis: 0)
                if let timer { _ = timer.lap(.storage, since: clock) }
            }
            chunkStart = chunkEnd
        }
        statistics.penalized = penalty != nil
        let clock = timer == nil ? 0 : monotonicSeconds()
        if staging.count > 0 { buffer.add(staging.transitions()) }
        if let timer { _ = timer.lap(.storage, since: clock) }
        return statistics
    }
}

/// What one call of ``ModelRollout/run(model:startObservations:policy:filter:penalty:observers:into:rng:)`` added.
public struct RolloutStatistics: Sendable, Codable, Equatable {
    /// Start states rolled out from.
    public var startStates = 0
    /// Transitions written to the buffer.
    public var transitionsAdded = 0
    /// Rows stepped at each step t (alive at its start), `[h]`.
    public var activeRows: [Int]
    /// Stored rows that terminated at each step t, `[h]`.
    public var terminatedRows: [Int]
    /// Rows the filter rejected at each step t, `[h]`.
    public var rejectedRows: [Int]
    /// Whether a penalty was applied.
    public var penalized = false
    /// Sums over stored rows of the model reward r, the stored r̃ and the unweighted penalty u.
    public var rawRewardSum = 0.0, rewardSum = 0.0, penaltySum = 0.0

    /// Empty statistics for a rollout of `horizon` steps.
    public init(horizon: Int) {
        activeRows = [Int](repeating: 0, count: horizon)
        terminatedRows = activeRows
        rejectedRows = activeRows
    }

    mutating func record(t: Int, rows: Int, stored: [Int], continuing: Int, raw: Tensor, penalised: Tensor, penalties: Tensor?) {
        activeRows[t] += rows
        rejectedRows[t] += rows - stored.count
        terminatedRows[t] += stored.count - continuing
        transitionsAdded += stored.count
        raw.withUnsafeBufferPointer { r in
            penalised.withUnsafeBufferPointer { p in
                for i in stored {
                    rawRewardSum += Double(r[i])
                    rewardSum += Double(p[i])
                }
            }
        }
        penalties?.withUnsafeBufferPointer { u in for i in stored { penaltySum += Double(u[i]) } }
    }

    /// Mean stored reward r̃ (penalised when a penalty was given; Kit's logged `reward_mean`).
    public var meanReward: Double { transitionsAdded == 0 ? 0 : rewardSum / Double(transitionsAdded) }
    /// Mean model reward r before any penalty.
    public var meanRawReward: Double { transitionsAdded == 0 ? 0 : rawRewardSum / Double(transitionsAdded) }
    /// Mean unweighted penalty u, or `nil` without a penalty.
    public var meanPenalty: Double? {
        penalized ? (transitionsAdded == 0 ? 0 : penaltySum / Double(transitionsAdded)) : nil
    }
    /// Mean length of a rollout: stored transitions per start state.
    public var meanLength: Double { startStates == 0 ? 0 : Double(transitionsAdded) / Double(startStates) }
    /// Fraction of stepped rows the filter kept.
    public var keptFraction: Double {
        let stepped = activeRows.reduce(0, +)
        return stepped == 0 ? 1 : 1 - Double(rejectedRows.reduce(0, +)) / Double(stepped)
    }
    /// Fraction of the rows alive at step t that terminated there, `[h]` (0 where none were alive).
    public var terminatedFraction: [Double] {
        zip(terminatedRows, activeRows).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }
}
