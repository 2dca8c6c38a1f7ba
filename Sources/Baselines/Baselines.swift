// The baselines the offline model-based papers' tables compare against, as recipes, plug-ins and
// agents of PolicyLearning's shared loop: CQL, EDAC, COMBO (SAC with extra critic terms), TD3+BC
// and IQL (agents of their own), RAMBO (update hooks that train the model against the policy).
// Baselines.docc has an article per algorithm.
@_exported import PolicyLearning
