import Foundation

/// `orl morec diagnose`: model rollouts with the filter from dataset states, every row checked
/// against the true simulator (the official `plot_rollout_figure`
/// analysis): the correlation of the dynamics reward with log one-step MAE (expected negative),
/// the chosen vs an unfiltered candidate's error, and per-step acceptance/termination rates.
public enum RewardErrorDiagnosis {
    /// The numbers written to `summary.json`.
    public struct Summary: Codable, Sendable {
        /// Rollout start states, horizon, and candidates checked against the simulator.
        public var startStates: Int, horizon: Int, candidatesChecked: Int
        /// corr(log MAE, r) over every candidate and over the chosen ones.
        public var correlationCandidates: Double?, correlationChosen: Double?
        /// Mean one-step MAE of the chosen candidate and of a fixed unfiltered one.
        public var maeChosen: Double, maeUnfiltered: Double
        /// Mean chosen reward, acceptance (ρ ≥ threshold) and termination rates.
        public var rewardMean: Double, acceptRate: Double, terminalRate: Double
        /// Per rollout step.
        public var acceptRatePerStep: [Double], terminalRatePerStep: [Double], rowsPerStep: [Int]
        /// The acting policy and the wall time.
        public var policy: String, seconds: Double
    }

    /// Runs the rollout and returns the summary and the per-candidate records.
    public static func run(model: DynamicsEnsemble, oracle: any DynamicsModel, filter: RewardConsistentFilter,
                           startObservations: Tensor, horizon: Int, policyName: String,
                           policy: (Tensor, inout RandomGenerator) -> Tensor,
                           rng: inout RandomGenerator) -> (Summary, [(t: Int, error: Double, reward: Double, chosen: Bool)]) {
        let start = monotonicSeconds()
        let n = startObservations.shape[0]
        let diagnostics = MORECRolloutDiagnostics(filter: filter, oracle: oracle, rowsPerStep: n)
        diagnostics.keepRecords = true
        var buffer = ReplayBuffer(capacity: n * horizon, observationDimension: model.observationDimension,
                                  actionDimension: model.actionDimension)
        _ = ModelRollout(horizon: horizon, chunkSize: n).run(model: model, startObservations: startObservations, policy: policy,
                                                             filter: filter, observers: [diagnostics], into: &buffer, rng: &rng)
        let row = diagnostics.summary(), rates = diagnostics.perStepRates()
        let summary = Summary(startStates: n, horizon: horizon, candidatesChecked: diagnostics.records.count,
                              correlationCandidates: row["morec_corr_logmae_reward_candidates"],
                              correlationChosen: row["morec_corr_logmae_reward"],
                              maeChosen: row["morec_mae_chosen"] ?? .nan, maeUnfiltered: row["morec_mae_unfiltered"] ?? .nan,
                              rewardMean: row["morec_reward_mean"] ?? .nan, acceptRate: row["morec_accept_rate"] ?? .nan,
                              terminalRate: row["morec_terminal_rate"] ?? .nan, acceptRatePerStep: rates.accept,
                              terminalRatePerStep: rates.terminal, rowsPerStep: rates.rows, policy: policyName,
                              seconds: monotonicSeconds() - start)
        return (summary, diagnostics.records)
    }
}
