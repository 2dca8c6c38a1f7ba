import MOREC
import RAVL
import LipschitzCritics

/// Every algorithm `orl train --algo` knows and every plug-in a configuration may name: the one
/// place that sees all modules.
public enum AlgorithmRegistry {
    /// The base algorithms (MOPO, MOBILE, MBPO) and the modules' recipes and plug-ins, one line each.
    public static let standard: OfflineAlgorithmRegistry = {
        var registry = OfflineAlgorithmRegistry.base
        do {
            try registry.register(recipe: LipschitzMOPORecipe())
            try registry.register(recipe: RAVLRecipe())
            try registry.register(recipe: MORECRecipe.mopo)
            try registry.register(recipe: MORECRecipe.mobile)
            try registry.register(factory: LipschitzPlugInFactory())
            try registry.register(factory: RAVLPlugInFactory())
            try registry.register(factory: EdgeOfReachPlugInFactory())
            try registry.register(factory: MORECPlugInFactory())
        } catch {
            preconditionFailure("AlgorithmRegistry: \(error)")   // the names above are distinct
        }
        return registry
    }()
}
