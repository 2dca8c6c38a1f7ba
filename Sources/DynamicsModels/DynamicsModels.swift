// DynamicsModels: the DynamicsModel protocol, the probabilistic ensemble, a single deterministic
// model, the true-dynamics oracle, and model rollouts. Importing it also imports its dependencies.
@_exported import NeuralNetworks
@_exported import OfflineData
@_exported import Environments
