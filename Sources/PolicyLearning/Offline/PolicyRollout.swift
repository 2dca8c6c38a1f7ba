/// Branched model rollouts of the current policy with the plug-in points of the shared loop: a
/// ``TransitionFilter`` (MOREC) then a ``DynamicsModels/RewardPenalty`` (MOPO) on every step.
///
/// It follows OfflineRL-Kit's `MOPOPolicy.rollout` (research/infrastructure.md §3.3) and
/// ``DynamicsModels/ModelRollout`` (Janner et al. 2019, MBPO, Algorithm 2), adding the filter:
/// ```
/// S ← start states                                    (Kit: 50,000 drawn from the real buffer)
/// for t in 1…h:  a ~ π(·|S);  (S', r, done) ~ model(S, a)
///                keep = filter(S, a, ·)                 rejected rows: not stored, not continued
///                r̃ = r − λ·u(S, a)                      Yu et al. 2020, MOPO §4, eq. (5)
///                store (S, a, r̃, S', done)[keep];  S ← S'[keep ∧ ¬done]
/// ```
/// Start states are processed in chunks of ``chunkSize`` rows; results are deterministic for a
/// given seed and chunk size.
public struct PolicyRollout: Sendable, Codable, Equatable {
    /// Steps per rollout, h.
    public var horizon: Int
    /// Start states per chunk.
    public var chunkSize: Int

    /// Creates a rollout of `horizon` steps in chunks of `chunkSize` start states.
    public init(horizon: Int, chunkSize: Int = 10_000) {
        precondition(horizon > 0 && chunkSize > 0, "PolicyRollout: horizon \(horizon) and chunkSize \(chunkSize) must be positive")
        self.horizon = horizon
        self.chunkSize = chunkSize
    }

    /// Rolls out from every row of `startObservations` (`[N, obs]`) and appends the kept
    /// transitions to `buffer` (its oldest rows are overwritten when full).
    ///
    /// - Parameters:
    ///   - model: the dynamics model (ensemble or oracle).
    ///   - startObservations: `[N, obs]`.
    ///   - policy: maps states `[B, obs]` to actions `[B, act]` (Kit: the stochastic policy).
    ///   - filter: decides which candidate transitions to keep; `nil` keeps all.
    ///   - penalty: subtracted from the model reward of kept rows; `nil` for none.
    ///   - buffer: the model buffer.
    ///   - rng: every random draw (policy, model, filter).
    /// - Returns: counts and means of what was stored.
    public func run(model: any DynamicsModel, startObservations: Tensor,
                    policy: (Tensor, inout RandomGenerator) -> Tensor,
                    filter: (any TransitionFilter)? = nil, penalty: (any RewardPenalty)? = nil,
                    into buffer: inout ReplayBuffer, rng: inout RandomGenerator) -> RolloutReport {
        let o = model.observationDimension, a = model.actionDimension
        precondition(startObservations.rank == 2 && startObservations.shape[1] == o,
                     "PolicyRollout: start observations \(startObservations.shape), expected [N, \(o)]")
        precondition(buffer.observationDimension == o && buffer.actionDimension == a,
                     "PolicyRollout: buffer widths \(buffer.observationDimension)/\(buffer.actionDimension) differ from the model's \(o)/\(a)")
        let statistics = (penalty?.needsMemberStatistics ?? false) || (filter?.needsMemberStatistics ?? false)
        var report = RolloutReport(horizon: horizon)
        report.startStates = startObservations.shape[0]
        var chunkStart = 0
        while chunkStart < report.startStates {
            let chunkEnd = Swift.min(chunkStart + chunkSize, report.startStates)
            var states = startObservations.slice(chunkStart..<chunkEnd, axis: 0)
            for t in 0..<horizon {
                let rows = states.shape[0]
                if rows == 0 { break }
                let actions = policy(states, &rng)
                precondition(actions.shape == [rows, a], "PolicyRollout: policy returned \(actions.shape), expected [\(rows), \(a)]")
                var step = model.step(states, actions, memberStatistics: statistics, rng: &rng)
                let keep = filter?.filter(observations: states, actions: actions, step: &step, model: model, rng: &rng)
                    ?? [Bool](repeating: true, count: rows)
                precondition(keep.count == rows, "PolicyRollout: filter returned \(keep.count) flags for \(rows) rows")
                var rewards = step.rewards
                let u = penalty.map { $0.penalty(for: step) }
                if let penalty, let u { rewards.addScaled(u, alpha: -penalty.coefficient) }
                var continuing = [Int]()
                continuing.reserveCapacity(rows)
                Self.store(states, actions, rewards, step, keep: keep, into: &buffer)
                let penalties = u ?? Tensor.zeros([rows])
                step.terminals.withUnsafeBufferPointer { done in
                    step.rewards.withUnsafeBufferPointer { raw in
                        rewards.withUnsafeBufferPointer { penalised in
                            penalties.withUnsafeBufferPointer { penalty in
                                for i in 0..<rows where keep[i] {
                                    report.transitionsAdded += 1
                                    report.rawRewardSum += Double(raw[i])
                                    report.rewardSum += Double(penalised[i])
                                    report.penaltySum += Double(penalty[i])
                                    if done[i] == 0 { continuing.append(i) } else { report.terminatedRows[t] += 1 }
                                }
                            }
                        }
                    }
                }
                report.activeRows[t] += rows
                report.rejectedRows[t] += keep.lazy.filter { !$0 }.count
                states = continuing.count == rows ? step.nextObservations : step.nextObservations.gather(continuing, axis: 0)
            }
            chunkStart = chunkEnd
        }
        report.penalized = penalty != nil
        return report
    }

    /// Appends the kept rows to the buffer.
    private static func store(_ states: Tensor, _ actions: Tensor, _ rewards: Tensor, _ step: ModelStep, keep: [Bool],
                              into buffer: inout ReplayBuffer) {
        let o = states.shape[1], a = actions.shape[1]
        states.withUnsafeBufferPointer { s in
            actions.withUnsafeBufferPointer { u in
                rewards.withUnsafeBufferPointer { r in
                    step.nextObservations.withUnsafeBufferPointer { s2 in
                        step.terminals.withUnsafeBufferPointer { done in
                            for i in 0..<keep.count where keep[i] {
                                buffer.append(observation: UnsafeBufferPointer(rebasing: s[(i * o)..<((i + 1) * o)]),
                                              action: UnsafeBufferPointer(rebasing: u[(i * a)..<((i + 1) * a)]),
                                              reward: r[i],
                                              nextObservation: UnsafeBufferPointer(rebasing: s2[(i * o)..<((i + 1) * o)]),
                                              terminal: done[i] != 0)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What one ``PolicyRollout/run(model:startObservations:policy:filter:penalty:into:rng:)`` stored.
public struct RolloutReport: Sendable, Codable, Equatable {
    /// Start states rolled out from.
    public var startStates = 0
    /// Transitions written to the buffer.
    public var transitionsAdded = 0
    /// Rows stepped at each step t (alive at its start), `[h]`.
    public var activeRows: [Int]
    /// Kept rows that terminated at step t, `[h]`.
    public var terminatedRows: [Int]
    /// Rows the filter rejected at step t, `[h]`.
    public var rejectedRows: [Int]
    /// Whether a penalty was applied.
    public var penalized = false
    /// Sums over stored rows of the model reward r, the stored r̃ and the penalty u.
    public var rawRewardSum = 0.0, rewardSum = 0.0, penaltySum = 0.0

    /// An empty report for a rollout of `horizon` steps.
    public init(horizon: Int) {
        activeRows = [Int](repeating: 0, count: horizon)
        terminatedRows = activeRows
        rejectedRows = activeRows
    }

    /// Mean stored reward r̃ (Kit's logged `reward_mean`).
    public var meanReward: Double { transitionsAdded == 0 ? 0 : rewardSum / Double(transitionsAdded) }
    /// Mean model reward r before the penalty.
    public var meanRawReward: Double { transitionsAdded == 0 ? 0 : rawRewardSum / Double(transitionsAdded) }
    /// Mean unweighted penalty u, or `nil` without a penalty.
    public var meanPenalty: Double? { penalized ? (transitionsAdded == 0 ? 0 : penaltySum / Double(transitionsAdded)) : nil }
    /// Mean length of a rollout, stored transitions per start state.
    public var meanLength: Double { startStates == 0 ? 0 : Double(transitionsAdded) / Double(startStates) }
    /// Fraction of stepped rows the filter kept.
    public var keptFraction: Double {
        let stepped = activeRows.reduce(0, +)
        return stepped == 0 ? 1 : 1 - Double(rejectedRows.reduce(0, +)) / Double(stepped)
    }
}
