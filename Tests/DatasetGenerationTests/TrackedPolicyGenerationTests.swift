import Foundation
import Testing
import TestSupport
import PolicyLearning
import DatasetGeneration

/// `orl dataset generate` end to end on a fresh clone: a small hopper-medium set made with the
/// restored behaviour policy (checked against the registry's SHA-256), twice, byte for byte.
@Suite("Dataset generation with the recorded policies")
struct TrackedPolicyGenerationTests {
    /// The SHA-256 of the file below, per OpenBLAS kernel family it was recorded under
    /// (`BLASRuntime.coreName`; float32 products, and so hopper's episodes, differ between families).
    /// Update it only for an intended change of the file (the library version in `metadata/generator`,
    /// the layout, the recipe), with `swift test --filter TrackedPolicyGenerationTests` under each
    /// `OPENBLAS_CORETYPE`.
    /// Recorded on 2026-12-05 on an AMD EPYC (Zen 4, AVX-512) with `OPENBLAS_CORETYPE` set to each
    /// name (Debian OpenBLAS 0.3.21): Zen runs the Haswell kernels, Cooperlake the SkylakeX ones.
    static let recorded: [String: String] = [
        "Haswell": "260f76c7d521263fc09bc33a8f0fd63eb6d02ee1f94907cbd60bf861e3c74596",
        "Zen": "260f76c7d521263fc09bc33a8f0fd63eb6d02ee1f94907cbd60bf861e3c74596",
        "SkylakeX": "135939f4029acaf8e2925d6428878cf18a6c451abc723af6dd378795ef5c2fe7",
        "Cooperlake": "135939f4029acaf8e2925d6428878cf18a6c451abc723af6dd378795ef5c2fe7",
        "Sandybridge": "6f15ff44011c89bfdba619f645bbf3e1b3164a13d42e87b19377e931acb75a0f",
    ]

    static func generate(into dir: TemporaryDirectory, _ name: String) throws -> (sha: String, dataset: OfflineDataset) {
        var generator = DatasetGenerator(environment: "hopper", kind: .medium, transitions: 3000, seed: 0,
                                         policies: Python.repositoryRoot.appendingPathComponent("Datasets/policies"))
        generator.policyChecksums = Dictionary(uniqueKeysWithValues: DatasetRegistry.embedded.policies.map { ($0.name, $0.sha256) })
        let path = dir.path(name)
        let dataset = try generator.generate(to: path, workDirectory: dir.url.appendingPathComponent(name + ".work"))
        return (try SHA256Checksum.hexDigest(ofFileAt: path), dataset)
    }

    @Test func smallHopperMediumIsByteIdenticalAndMatchesTheRecord() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let first = try Self.generate(into: dir, "a.hdf5")
        let second = try Self.generate(into: dir, "b.hdf5")
        #expect(first.sha == second.sha, "two generations from the same inputs wrote different bytes")
        #expect(first.dataset.count == 3000)
        #expect(first.dataset.terminals.contains(true), "hopper-medium episodes should end by falling within 3000 steps")
        #expect(first.dataset.metadata["command"] == "orl dataset generate --env hopper --kind medium --transitions 3000 --seed 0")
        let kernel = BLASRuntime.coreName
        guard let recorded = Self.recorded[kernel] else {
            // Determinism is checked above on every machine; a recorded checksum only holds under its own kernels.
            print("""
                note: TrackedPolicyGenerationTests did not compare against a recorded SHA-256: none is recorded for \
                OpenBLAS kernel family \(kernel) (recorded: \(Self.recorded.keys.sorted().joined(separator: ", "))), and \
                float32 products differ between families. This run's file: \(first.sha)
                """)
            return
        }
        #expect(first.sha == recorded, """
            generated with OpenBLAS \(kernel) kernels: \(first.sha), recorded for \(kernel): \(recorded). \
            Same kernels, different bytes: the generator, the environment or the file layout changed
            """)
    }

    @Test func aPolicyWithAnotherChecksumIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var generator = DatasetGenerator(environment: "hopper", kind: .medium, transitions: 100, seed: 0,
                                         policies: Python.repositoryRoot.appendingPathComponent("Datasets/policies"))
        generator.policyChecksums = ["hopper-medium": String(repeating: "0", count: 64)]
        do {
            try generator.generate(to: dir.path("x.hdf5"), workDirectory: dir.url.appendingPathComponent("w"))
            Issue.record("expected policyChecksumMismatch")
        } catch let DatasetGenerationError.policyChecksumMismatch(path, expected, found) {
            #expect(path.hasSuffix("Datasets/policies/hopper-medium.h5"))
            #expect(expected == String(repeating: "0", count: 64))
            #expect(found == DatasetRegistry.embedded.policy(environment: "hopper", role: "medium")?.sha256)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.hdf5")))
    }
}
