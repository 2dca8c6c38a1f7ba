import MOREC
import RAVL
import LipschitzCritics
import Baselines

/// Every algorithm `orl train --algo` knows and every plug-in a configuration may name: the one
/// place that sees all modules.
public enum AlgorithmRegistry {
    /// The base algorithms (MOPO, MOBILE, MBPO), the modules' recipes and plug-ins, and the
    /// baselines (COMBO, CQL, EDAC, TD3+BC, IQL, RAMBO), one line each.
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
            try registry.register(COMBO())
            try registry.register(CQL())
            try registry.register(EDAC())
            try registry.register(TD3BC())
            try registry.register(IQL())
            try registry.register(RAMBO())
        } catch {
            preconditionFailure("AlgorithmRegistry: \(error)")   // the names above are distinct
        }
        return registry
    }()
}
