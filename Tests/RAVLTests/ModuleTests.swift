import Testing
import RAVL

/// Placeholder until the module's own tests land: the module re-exports the trainer it plugs into.
@Suite struct RAVLModuleTests {
    @Test func reExportsTheSharedTrainer() {
        #expect(BaseAlgorithmRecipe.all.map(\.name) == ["mopo", "mobile", "mbpo"])
    }
}
