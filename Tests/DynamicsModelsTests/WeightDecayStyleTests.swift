import Foundation
import Testing
import TestSupport
import DynamicsModels
import NeuralNetworks

@Suite("Weight decay style")
struct WeightDecayStyleTests {
    @Test("decoupled decay: AdamW with one group per layer, the log-variance bounds undecayed")
    func decoupledGroups() throws {
        var configuration = smallConfiguration(hidden: [8, 8])
        configuration.weightDecays = [0.1, 0.2, 0.3]
        configuration.weightDecayStyle = .decoupled
        var rng = RandomGenerator(seed: 3)
        let model = try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: configuration,
                                         termination: never(3), rng: &rng)
        #expect(model.optimizer is AdamW)
        let groups = model.optimizer.groups
        #expect(groups.map(\.weightDecay) == [0.1, 0.2, 0.3, 0])
        #expect(groups.prefix(3).allSatisfy { $0.parameters.count == 2 })     // weight and bias
        #expect(groups[3].parameters.map(\.name).sorted() == ["maxLogVariance", "minLogVariance"])
        let loss = model.trainStep(inputs: Tensor.normal([4, 16, 5], rng: &rng), targets: Tensor.normal([4, 16, 4], rng: &rng))
        #expect(loss.isFinite)
    }

    /// `trainStep` adds Kit's L2 gradient λ·W outside the graph; the step must equal Adam on the
    /// loss with ½λ‖W‖² in it (`trainingLoss(…, weightDecayInLoss: true)`, Kit's `get_decay_loss`).
    @Test("loss-style decay applied to the gradients equals the decay in the loss")
    func decayOutsideTheGraphEqualsDecayInTheLoss() throws {
        var configuration = smallConfiguration(hidden: [8, 8])
        configuration.weightDecays = [0.5, 1, 2]          // large, so that a missing term shows
        func model() throws -> DynamicsEnsemble {
            var rng = RandomGenerator(seed: 5)
            return try DynamicsEnsemble(observationDimension: 3, actionDimension: 2, configuration: configuration,
                                        termination: never(3), rng: &rng)
        }
        let stepped = try model(), reference = try model()
        var rng = RandomGenerator(seed: 6)
        for _ in 0..<3 {      // several steps: Adam's first step sees only the gradient's sign
            let inputs = Tensor.normal([4, 16, 5], rng: &rng), targets = Tensor.normal([4, 16, 4], rng: &rng)
            let loss = stepped.trainStep(inputs: inputs, targets: targets)
            let referenceLoss = reference.trainingLoss(inputs: inputs, targets: targets, weightDecayInLoss: true)
            let parameters = reference.optimizer.parameters
            for (p, g) in zip(parameters, gradients(of: referenceLoss, withRespectTo: parameters)) { p.grad = g.value }
            reference.optimizer.step()
            #expect(isClose(loss, referenceLoss.scalar, rtol: 1e-5))
        }
        for (a, b) in zip(stepped.optimizer.parameters, reference.optimizer.parameters) {
            #expect(isClose(a.value, b.value, rtol: 1e-5, atol: 1e-6))
        }
    }

    @Test("configurations saved before the field existed still decode, as Kit's loss-style decay")
    func decodesOldConfigurations() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(DynamicsEnsembleConfiguration())) as! [String: Any]
        json.removeValue(forKey: "weightDecayStyle")
        let decoded = try JSONDecoder().decode(DynamicsEnsembleConfiguration.self,
                                               from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.weightDecayStyle == nil && decoded == DynamicsEnsembleConfiguration())
    }
}
