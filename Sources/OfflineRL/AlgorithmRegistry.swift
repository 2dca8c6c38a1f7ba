import MOREC

/// Every algorithm `orl train --algo` knows, and every plug-in module a configuration may name:
/// the one place that sees all modules.
public enum AlgorithmRegistry {
    /// The recipes: base algorithms first, then each module's.
    public static var recipes: [any OfflineAlgorithmRecipe] { BaseAlgorithmRecipe.all + moduleRecipes }

    /// The algorithm modules' recipes, one line each.
    static var moduleRecipes: [any OfflineAlgorithmRecipe] {
        [
            LipschitzMOPORecipe(),
            RAVLRecipe(),
            MORECRecipe(base: .mopo), MORECRecipe(base: .mobile),
        ]
    }

    /// The plug-in factories, one per module (``PolicyLearning/OfflinePlugInFactory``).
    public static var plugInFactories: [any OfflinePlugInFactory] {
        [
            LipschitzPlugInFactory(),
            RAVLPlugInFactory(), EdgeOfReachPlugInFactory(),
            MORECPlugInFactory(),
        ]
    }

    /// The recipe called `name`.
    /// - Throws: ``PolicyLearning/OfflineTrainingError/unknownAlgorithm(name:known:)`` listing the known names.
    public static func recipe(named name: String) throws(OfflineTrainingError) -> any OfflineAlgorithmRecipe {
        try PolicyLearning.recipe(named: name, in: recipes)
    }
}
