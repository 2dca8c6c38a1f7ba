// The umbrella module: `import OfflineRL` gives the whole public API.
@_exported import LinearAlgebra
@_exported import NeuralNetworks
@_exported import OfflineData
@_exported import HDF5
@_exported import Environments
@_exported import DynamicsModels
@_exported import PolicyLearning
@_exported import DatasetGeneration
@_exported import ExperimentRunner
@_exported import MOREC
@_exported import RAVL
@_exported import LipschitzCritics
@_exported import Baselines
