import Foundation
import Testing
import TestSupport
import PolicyLearning

/// MOBILE's deterministic backup replaces SAC's soft targets, so the agent skips computing them
/// (`TargetAdjustment.replacesTargets`). Skipping must change nothing: updates through the
/// shortcut equal, bit for bit, updates that compute the soft targets and let the penalty
/// overwrite them (the path before the shortcut).
@Suite("SAC targets an adjustment replaces are not computed")
struct ReplacedTargetsTests {
    /// Forwards to MOBILE's penalty but declares that it reads the targets: the long path.
    final class ReadsTargets: TargetAdjustment, MixedBatchAware {
        let inner: BellmanInconsistencyPenalty
        init(_ inner: BellmanInconsistencyPenalty) { self.inner = inner }
        var realRowCount: Int { get { inner.realRowCount } set { inner.realRowCount = newValue } }
        func adjust(_ targets: inout Tensor, batch: TransitionBatch, agent: SACAgent, metrics: inout TrainingMetrics,
                    rng: inout RandomGenerator) {
            inner.adjust(&targets, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        }
    }

    /// Every parameter of an agent, as bit patterns.
    static func bits(_ agent: SACAgent) -> [String: [UInt32]] {
        var result: [String: [UInt32]] = [:]
        for (part, module) in [("actor", agent.actor as Module), ("critics", agent.critics), ("targets", agent.targetCritics)] {
            for (name, value) in module.parameterValues() { result[part + "." + name] = value.scalars.map(\.bitPattern) }
        }
        return result
    }

    @Test func theShortcutEqualsComputingAndOverwriting() throws {
        var sac = SACConfiguration()
        sac.hiddenSizes = [16, 16]
        var setup = RandomGenerator(seed: 21)
        let configuration = DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 4, elites: 3, weightDecays: [2.5e-5, 5e-5, 1e-4])
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: configuration,
                                         termination: TerminationFunction(name: "test", observationDimension: 3) { $0[0] > 2 }, rng: &setup)
        var batches: [TransitionBatch] = []
        for _ in 0..<4 {
            var batch = TransitionBatch(batchSize: 32, observationDimension: 3, actionDimension: 2)
            batch.observations = Tensor.normal([32, 3], rng: &setup)
            batch.actions = Tensor.uniform([32, 2], low: -1, high: 1, rng: &setup)
            batch.nextObservations = Tensor.normal([32, 3], rng: &setup)
            batch.rewards = Tensor.normal([32], rng: &setup)
            batch.terminals = Tensor((0..<32).map { $0 % 7 == 0 ? 1 : 0 })
            batches.append(batch)
        }
        func train(shortcut: Bool) -> (SACAgent, [TrainingMetrics]) {
            var rng = RandomGenerator(seed: 5)
            let agent = SACAgent(observationDimension: 3, actionDimension: 2, configuration: sac, rng: &rng)
            let penalty = BellmanInconsistencyPenalty(model: model, configuration: MOBILEConfiguration(penaltyCoefficient: 1.5, samples: 4))
            penalty.realRowCount = 8
            let adjustment: any TargetAdjustment = shortcut ? penalty : ReadsTargets(penalty)
            #expect(adjustment.replacesTargets == shortcut)
            agent.targetAdjustment = adjustment
            return (agent, batches.map { agent.update($0, rng: &rng) })
        }
        let (fast, fastMetrics) = train(shortcut: true), (slow, slowMetrics) = train(shortcut: false)
        let a = Self.bits(fast), b = Self.bits(slow)
        #expect(!a.isEmpty && a == b, "parameters differ: \(a.keys.filter { a[$0] != b[$0] }.sorted())")
        #expect(fastMetrics == slowMetrics)
        #expect(fastMetrics.allSatisfy { ($0["mobile_penalty"] ?? 0) > 0 }, "the penalty must act for the comparison to mean something")
    }
}
