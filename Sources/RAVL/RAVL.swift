// RAVL (Sims et al., NeurIPS 2024): reach-aware value learning with a large critic ensemble and
// EDAC's diversity term, as a plug-in of PolicyLearning's offline trainer, plus the edge-of-reach
// diagnostics and the toy experiment (RAVL.docc/RAVL.md).
@_exported import PolicyLearning
