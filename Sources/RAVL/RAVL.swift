// RAVL (Sims et al., NeurIPS 2024): reach-aware value learning with a large critic ensemble and
// EDAC's diversity term, as a plug-in of PolicyLearning's offline trainer.
@_exported import PolicyLearning
