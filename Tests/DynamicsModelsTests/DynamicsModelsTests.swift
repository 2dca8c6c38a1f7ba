import Testing
import DynamicsModels
