// Lipschitz-regularized critics (Zheng et al. 2023; Blondé et al. 2022): spectral normalization,
// adversarial state noise and gradient penalties, as critic regularizers of PolicyLearning's
// offline trainer.
@_exported import PolicyLearning
