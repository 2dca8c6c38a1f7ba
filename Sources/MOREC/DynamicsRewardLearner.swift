import Foundation

/// Learns a dynamics reward from offline transitions. MOREC's learner is adversarial
/// (``AdversarialDynamicsRewardLearner``); another learner (the paper's own Algorithm 1 once it
/// is read, a different IRL method) conforms to this and plugs into the same command and filter.
///
/// ```swift
/// let learner: any DynamicsRewardLearner = try AdversarialDynamicsRewardLearner(transitions: data)
/// try learner.train(stopAfter: nil) { print($0.text) }
/// let reward = try learner.reward()               // filter with RewardConsistentFilter(reward:)
/// ```
public protocol DynamicsRewardLearner: AnyObject {
    /// Updates done so far.
    var step: Int { get }
    /// Updates in the whole run.
    var totalSteps: Int { get }
    /// Trains until ``totalSteps`` or until `stopAfter` updates in total, reporting about every 2 s.
    func train(stopAfter: Int?, progress: ((DynamicsRewardProgress) -> Void)?) throws
    /// The reward learned so far.
    /// - Throws: ``MORECError`` when there is nothing to export yet.
    func reward() throws -> DynamicsRewardEnsemble
}

/// A progress report of reward learning.
public struct DynamicsRewardProgress: Sendable {
    /// Updates done.
    public var step: Int
    /// Updates in the run.
    public var totalSteps: Int
    /// Updates per second since this process started.
    public var stepsPerSecond: Double
    /// `warmup` (maximum likelihood) or `adversarial`.
    public var phase: String
    /// Recent means of the learner's metrics.
    public var metrics: [String: Double]

    /// "step 1200/10000 … adversarial  d_loss 1.21  …"
    public var text: String {
        let eta = stepsPerSecond > 0 ? Int(Double(totalSteps - step) / stepsPerSecond) : -1
        let etaText = eta < 0 ? "?" : "\(eta / 60)m\(String(format: "%02d", eta % 60))s"
        return "step \(step)/\(totalSteps)  \(String(format: "%.0f", stepsPerSecond)) steps/s  ETA \(etaText)  " + phase + metrics.keys.sorted().map { "  \($0) " + String(format: "%.4g", metrics[$0]!) }.joined()
    }
}
