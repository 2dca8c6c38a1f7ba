import Testing
import PolicyLearning
