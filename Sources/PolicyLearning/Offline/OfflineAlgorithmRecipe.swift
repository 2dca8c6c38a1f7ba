/// A named algorithm of `orl train --algo NAME`: how to build its configuration for a dataset
/// and budget. Base algorithms (MOPO, MOBILE, MBPO) are ``BaseAlgorithmRecipe``s; modules add
/// theirs (`morec-mopo`, `ravl`, `lipschitz-mopo`) by choosing a base algorithm and storing
/// their plug-in settings in ``OfflineTrainingConfiguration/plugIns``.
public protocol OfflineAlgorithmRecipe: Sendable {
    /// The `--algo` name.
    var name: String { get }
    /// One line for `orl train --help`.
    var summary: String { get }
    /// The configuration for `dataset` under `preset`, with the paper's per-task settings.
    func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration
}

/// One of the base algorithms with no plug-ins.
public struct BaseAlgorithmRecipe: OfflineAlgorithmRecipe {
    /// The algorithm.
    public let algorithm: OfflineAlgorithm

    /// The recipe of `algorithm`.
    public init(_ algorithm: OfflineAlgorithm) { self.algorithm = algorithm }

    public var name: String { algorithm.rawValue }

    public var summary: String {
        switch algorithm {
        case .mopo: return "MOPO (Yu et al. 2020): reward penalty from the ensemble's predicted deviation"
        case .mobile: return "MOBILE (Sun et al. 2023): Bellman-inconsistency penalty on the critic targets"
        case .mbpo: return "MBPO-style (Janner et al. 2019): model rollouts without a penalty"
        }
    }

    public func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration {
        OfflineTrainingConfiguration(algorithm: algorithm, dataset: dataset, preset: preset)
    }

    /// MOPO, MOBILE and MBPO.
    public static let all: [BaseAlgorithmRecipe] = OfflineAlgorithm.allCases.map(BaseAlgorithmRecipe.init)
}

/// Finds the recipe called `name` (case-insensitive) among `recipes`.
/// - Throws: ``OfflineTrainingError/unknownAlgorithm(name:known:)`` listing the known names.
public func recipe(named name: String, in recipes: [any OfflineAlgorithmRecipe]) throws(OfflineTrainingError) -> any OfflineAlgorithmRecipe {
    guard let found = recipes.first(where: { $0.name == name.lowercased() }) else {
        throw .unknownAlgorithm(name: name, known: recipes.map(\.name))
    }
    return found
}
