/// A plug-in that treats the real and the model rows of a mixed batch differently (MOBILE
/// penalises model rows only). Before every update the ``OfflineTrainer`` tells each such
/// ``TargetAdjustment`` or ``CriticRegularizer`` how many leading rows of the batch are real
/// (``OfflineData/MixedSampler`` puts the real rows first, as OfflineRL-Kit's `torch.cat` does).
public protocol MixedBatchAware: AnyObject {
    /// Rows `0..<realRowCount` of the next batch are real data, the rest model data.
    var realRowCount: Int { get set }
}
