import Foundation

/// The analysis behind the paper's "joint distribution" plots (official
/// `offlinerlkit/utils/plot_util.py` `plot_rollout_figure`): during model rollouts, the dynamics reward of the chosen
/// transition against its true one-step error (MAE against the simulator's s' from the same
/// (s, a), via ``DynamicsModels/TrueDynamics``), their correlation, and the filter's acceptance
/// and termination rates per rollout step.
///
/// ```
/// per rollout step t:   accept_t = #(ρ ≥ threshold) / rows_t,   terminal_t = #done / rows_t
/// on ≤ rowsPerStep evenly spaced rows (no random draws, so the rollout is unchanged):
///     MAE = mean_j |s'_model − s'_true|   for the chosen candidate, and for a fixed unfiltered one
///     corr(log MAE, ρ) over chosen rows;  corr(log MAE, r) over every candidate
/// ```
public final class MORECRolloutDiagnostics: RolloutObserver {
    /// The filter whose choices are read.
    public let filter: RewardConsistentFilter
    /// The true dynamics, or `nil` to record rates only.
    public let oracle: (any DynamicsModel)?
    /// Rows checked against the oracle per rollout step and chunk.
    public let rowsPerStep: Int
    /// Per-step counts since the last ``reset()``.
    public private(set) var rows: [Int] = [], accepted: [Int] = [], terminated: [Int] = []
    var rewardSum = 0.0, rewardCount = 0
    var chosenPairs: [(logError: Double, reward: Double)] = []
    var candidatePairs: [(logError: Double, reward: Double)] = []
    var chosenErrorSum = 0.0, plainErrorSum = 0.0, errorCount = 0
    /// Keep every checked candidate in ``records`` (for `orl morec diagnose`'s CSV).
    public var keepRecords = false
    /// One entry per checked candidate: rollout step, one-step MAE, dynamics reward, whether chosen.
    public private(set) var records: [(t: Int, error: Double, reward: Double, chosen: Bool)] = []

    /// Creates the observer.
    public init(filter: RewardConsistentFilter, oracle: (any DynamicsModel)?, rowsPerStep: Int = 32) {
        self.filter = filter
        self.oracle = oracle
        self.rowsPerStep = rowsPerStep
    }

    public func observe(_ event: RolloutStepEvent) {
        let t = event.t, n = event.observations.shape[0]
        if rows.count < event.horizon {
            let extra = event.horizon - rows.count
            rows += [Int](repeating: 0, count: extra)
            accepted += [Int](repeating: 0, count: extra)
            terminated += [Int](repeating: 0, count: extra)
        }
        let rho = filter.lastSelectedRewards.scalars
        guard rho.count == n else { return }        // the filter did not run on this step
        rows[t] += n
        let done = event.step.terminals.scalars
        for b in 0..<n {
            if rho[b] >= filter.threshold { accepted[t] += 1 }
            if done[b] != 0 { terminated[t] += 1 }
            rewardSum += Double(rho[b])
        }
        rewardCount += n
        guard let oracle, rowsPerStep > 0, n > 0 else { return }
        let k = Swift.min(rowsPerStep, n), stride = n / k
        let picked = (0..<k).map { $0 * stride }
        var unused = RandomGenerator(seed: 0)
        let truth = oracle.step(event.observations.gather(picked, axis: 0), event.actions.gather(picked, axis: 0),
                                memberStatistics: false, rng: &unused).nextObservations.scalars
        let o = event.observations.shape[1]
        let candidates = filter.lastCandidates, scores = filter.lastCandidateRewards.scalars
        let count = candidates.shape[0], cand = candidates.scalars
        for (q, b) in picked.enumerated() {
            func error(_ c: Int) -> Double {
                var sum = 0.0
                for j in 0..<o { sum += Double(Swift.abs(cand[(c * n + b) * o + j] - truth[q * o + j])) }
                return sum / Double(o)
            }
            let chosen = error(filter.lastChoices[b]), plain = error(b % count)
            chosenErrorSum += chosen
            plainErrorSum += plain
            errorCount += 1
            chosenPairs.append((Foundation.log(Swift.max(chosen, 1e-12)), Double(rho[b])))
            for c in 0..<count {
                let e = error(c), r = Double(scores[c * n + b])
                candidatePairs.append((Foundation.log(Swift.max(e, 1e-12)), r))
                if keepRecords { records.append((t, e, r, c == filter.lastChoices[b])) }
            }
        }
    }

    /// Pearson correlation of `pairs`, or `nil` with fewer than 3 or no spread.
    public static func correlation(_ pairs: [(logError: Double, reward: Double)]) -> Double? {
        guard pairs.count >= 3 else { return nil }
        let n = Double(pairs.count)
        let mx = pairs.map(\.logError).reduce(0, +) / n, my = pairs.map(\.reward).reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for p in pairs {
            sxy += (p.logError - mx) * (p.reward - my)
            sxx += (p.logError - mx) * (p.logError - mx)
            syy += (p.reward - my) * (p.reward - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Summary columns (`morec_*`) since the last ``reset()``.
    public func summary() -> [String: Double] {
        var row = [String: Double]()
        let total = rows.reduce(0, +)
        guard total > 0 else { return row }
        row["morec_reward_mean"] = rewardSum / Double(rewardCount)
        row["morec_accept_rate"] = Double(accepted.reduce(0, +)) / Double(total)
        row["morec_terminal_rate"] = Double(terminated.reduce(0, +)) / Double(total)
        if errorCount > 0 {
            row["morec_mae_chosen"] = chosenErrorSum / Double(errorCount)
            row["morec_mae_unfiltered"] = plainErrorSum / Double(errorCount)
        }
        if let c = Self.correlation(chosenPairs) { row["morec_corr_logmae_reward"] = c }
        if let c = Self.correlation(candidatePairs) { row["morec_corr_logmae_reward_candidates"] = c }
        return row
    }

    /// Acceptance and termination rates per rollout step since the last ``reset()`` (0 where no row was alive).
    public func perStepRates() -> (accept: [Double], terminal: [Double], rows: [Int]) {
        (zip(accepted, rows).map { $1 == 0 ? 0 : Double($0) / Double($1) },
         zip(terminated, rows).map { $1 == 0 ? 0 : Double($0) / Double($1) }, rows)
    }

    /// Forgets everything recorded.
    public func reset() {
        rows = []; accepted = []; terminated = []
        rewardSum = 0; rewardCount = 0
        chosenPairs = []; candidatePairs = []
        chosenErrorSum = 0; plainErrorSum = 0; errorCount = 0
        records = []
    }
}
