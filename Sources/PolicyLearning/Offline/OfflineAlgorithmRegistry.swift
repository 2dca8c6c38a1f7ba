import Foundation

/// The algorithms and plug-ins a program knows: the recipes `orl train --algo` accepts and the
/// factories that turn stored settings into plug-ins. Neither the trainer nor the command line
/// branches on an algorithm's name; they ask a registry.
///
/// ``base`` holds the base algorithms of this module (MOPO, MOBILE, MBPO); the `OfflineRL` umbrella's
/// `AlgorithmRegistry.standard` adds the modules' (MOREC, RAVL, Lipschitz critics). A new
/// algorithm is a type conforming to ``OfflineAlgorithmRecipe`` (and to ``OfflinePlugInFactory``
/// when it changes the loop) plus one ``register(_:)`` call:
///
/// ```swift
/// var registry = AlgorithmRegistry.standard
/// try registry.register(MyPenalty())                  // a recipe that is also its plug-in's factory
/// let config = try registry.configuration(algorithm: "my-penalty", dataset: "hopper-medium-orl", preset: .short)
/// let trainer = try OfflineTrainer(configuration: config, directory: url, resume: false,
///                                  plugIns: registry.makePlugIns(for: config))
/// ```
public struct OfflineAlgorithmRegistry: Sendable {
    /// The recipes, in `orl train --help` order.
    public private(set) var recipes: [any OfflineAlgorithmRecipe] = []
    /// The plug-in factories, in installation order (base algorithms first).
    public private(set) var factories: [any OfflinePlugInFactory] = []

    /// An empty registry.
    public init() {}

    /// MOPO, MOBILE and MBPO.
    public static let base: OfflineAlgorithmRegistry = {
        var registry = OfflineAlgorithmRegistry()
        // The names are distinct, so registration cannot fail.
        try! registry.register(MOPO())
        try! registry.register(MOBILE())
        try! registry.register(MBPO())
        return registry
    }()

    /// Adds a recipe.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` when the name is taken.
    public mutating func register(recipe: some OfflineAlgorithmRecipe) throws(OfflineTrainingError) {
        guard !recipes.contains(where: { $0.name == recipe.name }) else {
            throw .invalidConfiguration("an algorithm named '\(recipe.name)' is already registered")
        }
        recipes.append(recipe)
    }

    /// Adds a plug-in factory.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` when the key is taken.
    public mutating func register(factory: some OfflinePlugInFactory) throws(OfflineTrainingError) {
        guard !factories.contains(where: { $0.key == factory.key }) else {
            throw .invalidConfiguration("a plug-in with key '\(factory.key)' is already registered")
        }
        factories.append(factory)
    }

    /// Adds an algorithm that is its own plug-in's factory (a base algorithm).
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` when the name or key is taken.
    public mutating func register(_ algorithm: some OfflineAlgorithmRecipe & OfflinePlugInFactory) throws(OfflineTrainingError) {
        try register(recipe: algorithm)
        try register(factory: algorithm)
    }

    /// Everything in `self` and then in `other`.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` for a name or key in both.
    public func merging(_ other: OfflineAlgorithmRegistry) throws(OfflineTrainingError) -> OfflineAlgorithmRegistry {
        var merged = self
        for recipe in other.recipes { try merged.register(recipe: recipe) }
        for factory in other.factories { try merged.register(factory: factory) }
        return merged
    }

    /// The recipe called `name` (case-insensitive).
    /// - Throws: ``OfflineTrainingError/unknownAlgorithm(name:known:)`` listing the known names.
    public func recipe(named name: String) throws(OfflineTrainingError) -> any OfflineAlgorithmRecipe {
        guard let found = recipes.first(where: { $0.name == name.lowercased() }) else {
            throw .unknownAlgorithm(name: name, known: recipes.map(\.name))
        }
        return found
    }

    /// The one configuration rule: the recipe's configuration for `dataset` under `preset`
    /// (defaults, per-task settings, preset), then each of `layers` laid over it in order (a
    /// `--config` file, then command-line options), then every plug-in's settings completed from
    /// its defaults and checked, so a key no plug-in reads is an error naming it.
    /// - Throws: ``OfflineTrainingError`` naming the unknown algorithm, key, plug-in or bad value.
    public func configuration(algorithm: String, dataset: String, preset: BudgetPreset,
                              layers: [JSONValue] = []) throws -> OfflineTrainingConfiguration {
        let recipe = try recipe(named: algorithm)
        let configuration = try recipe.configuration(dataset: dataset, preset: preset).applying(layers)
        return try completed(configuration)
    }

    /// `configuration` with every plug-in's settings as a complete tree (defaults filled in, so
    /// `config.json` records every value the run used), validated.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` for settings no factory reads,
    ///   unknown keys or bad values.
    public func completed(_ configuration: OfflineTrainingConfiguration) throws -> OfflineTrainingConfiguration {
        var completed = configuration
        try checkKnownPlugIns(configuration)
        for factory in factories {
            if let tree = try factory.canonicalSettings(in: configuration) { completed.plugIns[factory.key] = tree }
        }
        try completed.validate()
        return completed
    }

    /// The plug-ins of every factory whose key has settings in `configuration`, in registry order.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` for settings no factory reads;
    ///   the factories' errors.
    public func makePlugIns(for configuration: OfflineTrainingConfiguration) throws -> [any OfflinePlugIn] {
        try checkKnownPlugIns(configuration)
        return try factories.filter { configuration.plugIns[$0.key] != nil }.map { try $0.makePlugIn(configuration: configuration) }
    }

    private func checkKnownPlugIns(_ configuration: OfflineTrainingConfiguration) throws(OfflineTrainingError) {
        let known = Set(factories.map(\.key))
        if let unknown = configuration.plugIns.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidConfiguration("plugIns.\(unknown): no plug-in of that name; known: \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension OfflineTrainingConfiguration {
    /// The plug-ins for this configuration from the base algorithms' factories and `factories`
    /// (a module's, or a program's own), in that order.
    /// - Throws: as ``OfflineAlgorithmRegistry/makePlugIns(for:)``, or for a key registered twice.
    public func makePlugIns(_ factories: [any OfflinePlugInFactory]) throws -> [any OfflinePlugIn] {
        var registry = OfflineAlgorithmRegistry.base
        for factory in factories { try registry.register(factory: factory) }
        return try registry.makePlugIns(for: self)
    }
}
