/// A named algorithm of `orl train --algo NAME`: how to build its configuration for a dataset
/// and budget. A recipe chooses the loop's settings and stores the settings of the plug-ins that
/// make up the algorithm (``OfflineTrainingConfiguration/plugIns``): `mopo` stores MOPO's penalty,
/// `morec-mopo` MOPO's and MOREC's, `ravl` RAVL's.
public protocol OfflineAlgorithmRecipe: Sendable {
    /// The `--algo` name.
    var name: String { get }
    /// One line for `orl train --help`.
    var summary: String { get }
    /// The configuration for `dataset` under `preset`, with the paper's per-task settings.
    func configuration(dataset: String, preset: BudgetPreset) throws -> OfflineTrainingConfiguration
}
