import Foundation
import OfflineData
import Testing
import TestSupport

@Suite("Registry checksums: behaviour policies and generated datasets")
struct RegistryChecksumTests {
    static let datasets = Python.repositoryRoot.appendingPathComponent("Datasets")

    @Test func everyRegisteredPolicyIsTrackedWithItsChecksum() throws {
        let policies = DatasetRegistry.embedded.policies
        let expected = ["halfcheetah", "hopper", "walker2d"].flatMap { env in ["medium", "expert"].map { "\(env)-\($0)" } }
        #expect(policies.map(\.name).sorted() == expected.sorted())
        for policy in policies {
            #expect(policy.name == "\(policy.environment)-\(policy.role)")
            #expect(policy.fileName == "policies/\(policy.name).h5")
            let path = Self.datasets.appendingPathComponent(policy.fileName).path
            #expect(FileManager.default.fileExists(atPath: path), "\(path) is missing: `scripts/setup` restores the behaviour policies from this repository's history")
            #expect(FileManager.default.fileExists(atPath: path.replacingOccurrences(of: ".h5", with: ".json")))
            #expect(try SHA256Checksum.hexDigest(ofFileAt: path) == policy.sha256,
                    "\(policy.fileName) differs from the registry's SHA-256 (Datasets/manifest.json)")
        }
        #expect(DatasetRegistry.embedded.policy(environment: "Hopper", role: "medium")?.name == "hopper-medium")
        #expect(DatasetRegistry.embedded.policy(environment: "hopper", role: "random") == nil)
    }

    @Test func generatedDatasetRecordsAreComplete() throws {
        let recorded = DatasetRegistry.embedded.entries.filter { $0.checksum != nil }
        // The sets the committed experiment tables use.
        for name in ["halfcheetah-medium-orl", "hopper-medium-orl", "walker2d-medium-expert-orl"] {
            #expect(recorded.contains { $0.name == name }, "\(name) has no recorded checksum")
        }
        for entry in recorded {
            let record = try #require(entry.checksum)
            #expect(entry.isGenerated)
            #expect(record.sha256.count == 64 && record.sha256.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            #expect(record.command.hasPrefix("orl dataset generate --env \(entry.environment) --kind \(entry.quality) "),
                    "\(entry.name): \(record.command)")
            #expect(!record.openBLASCore.isEmpty && !record.cpu.isEmpty && record.date.count == 10)
        }
    }

    @Test func manifestWithoutPoliciesStillDecodes() throws {
        let json = #"{"version": 1, "datasets": []}"#
        let registry = try DatasetRegistry(json: Data(json.utf8), source: "minimal")
        #expect(registry.policies.isEmpty && registry.entries.isEmpty)
        do {
            _ = try DatasetRegistry(json: Data(#"{"version": 1, "datasets": [], "policies": [{"name": 3}]}"#.utf8), source: "bad")
            Issue.record("expected badManifest")
        } catch let OfflineDataError.badManifest(file, _) {
            #expect(file == "bad")
        }
    }
}
