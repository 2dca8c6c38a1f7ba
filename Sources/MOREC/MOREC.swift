// MOREC (Luo et al., ICLR 2024): a learned dynamics reward and reward-consistent transition
// filtering, as a plug-in of PolicyLearning's offline trainer.
@_exported import PolicyLearning
