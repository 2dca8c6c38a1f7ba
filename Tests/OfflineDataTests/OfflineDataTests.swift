import Testing
import OfflineData
