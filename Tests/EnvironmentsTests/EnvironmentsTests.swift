import Testing
import Environments
