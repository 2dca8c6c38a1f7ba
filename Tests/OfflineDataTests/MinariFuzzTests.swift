import Foundation
import OfflineData
import Testing
import TestSupport

/// The loader fuzz of ``LoaderFuzzTests`` on Minari datasets: damaged copies of the
/// `DataCollector` fixture's `main_data.hdf5` and `metadata.json` load into valid data or fail with
/// ``OfflineDataError`` / ``HDF5Error``, never anything else and never a crash.
@Suite("Minari loader fuzz: typed error or valid data, never a crash")
struct MinariFuzzTests {
    @Test func damagedDatasetsGiveTypedErrorsOrValidData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let folder = dir.path("fuzz")
        try FileManager.default.copyItem(atPath: try MinariTests.fixture(), toPath: folder)
        let h5 = folder + "/data/main_data.hdf5", json = folder + "/data/metadata.json"
        let originalH5 = try Data(contentsOf: URL(fileURLWithPath: h5)), originalJSON = try Data(contentsOf: URL(fileURLWithPath: json))
        var rng = RandomGenerator(seed: 34)
        var counts = LoaderFuzzTests.Counts()
        let cases = 150
        for round in 0..<cases {
            // Two rounds in three damage the HDF5 file (with an episode's step count as the row
            // count to rewrite), one the metadata.
            let damageMetadata = round % 3 == 2
            let (bytes, name) = LoaderMutations.damage(damageMetadata ? originalJSON : originalH5,
                                                       rows: [13, 18, 11, 14][rng.integer(below: 4)], &rng)
            try (damageMetadata ? originalH5 : bytes).write(to: URL(fileURLWithPath: h5))
            try (damageMetadata ? bytes : originalJSON).write(to: URL(fileURLWithPath: json))
            counts.check("\(damageMetadata ? "metadata.json" : "main_data.hdf5"): \(name)") { try MinariFile.load(path: folder) }
        }
        print("minari loader fuzz (seed 34): \(counts)")
        #expect(counts.tried == cases && counts.clearErrors > 0 && counts.acceptedValid > 0)
        #expect(counts.failures.isEmpty, "\(counts.failures.prefix(10).joined(separator: "\n"))")
    }
}
