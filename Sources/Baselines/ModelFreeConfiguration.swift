extension OfflineTrainingConfiguration {
    /// Makes this a model-free run: no dynamics model, no rollouts, every batch row real (the
    /// loop of OfflineRL-Kit's `MFPolicyTrainer`, `offlinerlkit/policy_trainer/mf_policy_trainer.py`).
    mutating func useRealDataOnly() {
        dynamicsSource = .noModel
        realRatio = 1
    }

    /// Sets the paper preset's budget to `epochs` × 1,000 updates (OfflineRL-Kit's `--epoch` of the
    /// algorithm's script); the short preset keeps its 50,000.
    mutating func setPaperEpochs(_ epochs: Int, preset: BudgetPreset) {
        if preset == .paper { totalSteps = epochs * stepsPerEpoch }
    }

    /// OfflineRL-Kit's SAC for CQL, COMBO and EDAC (`run_cql.py`, `run_combo.py`, `run_edac.py`):
    /// 3 × 256 networks, actor lr 1e-4, critic lr 3e-4, α auto-tuned from 1 with lr 1e-4.
    static func kitConservativeSAC(clampAlpha: Bool) -> SACConfiguration {
        var sac = offlineSAC
        sac.hiddenSizes = [256, 256, 256]
        sac.maximumAlpha = clampAlpha ? 1 : nil   // CQLPolicy.learn sets α = exp(log α) unclamped; EDACPolicy clamps to [0, 1]
        return sac
    }
}
