import Testing
import LipschitzCritics

/// Placeholder until the module's own tests land: the module re-exports the trainer it plugs into.
@Suite struct LipschitzCriticsModuleTests {
    @Test func reExportsTheSharedTrainer() {
        #expect(BaseAlgorithmRecipe.all.map(\.name) == ["mopo", "mobile", "mbpo"])
    }
}
