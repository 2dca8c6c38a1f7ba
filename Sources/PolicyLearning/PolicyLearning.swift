// PolicyLearning: SAC (actor, critic ensembles, entropy tuning), the online and offline trainers,
// evaluation, checkpoints and logs. Importing it also imports its dependencies.
@_exported import NeuralNetworks
@_exported import OfflineData
@_exported import Environments
@_exported import DynamicsModels
