// NeuralNetworks: reverse-mode automatic differentiation, layers, distributions, losses and
// optimizers over LinearAlgebra's Tensor. Importing it also imports LinearAlgebra.
@_exported import LinearAlgebra
