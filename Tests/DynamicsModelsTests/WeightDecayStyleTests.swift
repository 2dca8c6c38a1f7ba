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

    @Test("configurations saved before the field existed still decode, as Kit's loss-style decay")
    func decodesOldConfigurations() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(DynamicsEnsembleConfiguration())) as! [String: Any]
        json.removeValue(forKey: "weightDecayStyle")
        let decoded = try JSONDecoder().decode(DynamicsEnsembleConfiguration.self,
                                               from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.weightDecayStyle == nil && decoded == DynamicsEnsembleConfiguration())
    }
}
