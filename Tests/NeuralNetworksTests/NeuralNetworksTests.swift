import Testing
import NeuralNetworks
