// MOREC (Luo et al., ICLR 2024, "Reward-Consistent Dynamics Models are Strongly Generalizable for
// Offline Reinforcement Learning"): a learned dynamics reward and reward-consistent transition
// filtering, as a plug-in of PolicyLearning's offline trainer. See MOREC.docc/MOREC.md.
@_exported import PolicyLearning
