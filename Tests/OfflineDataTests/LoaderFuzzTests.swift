import Foundation
import OfflineData
import Testing
import TestSupport

/// A seeded fuzz run over the D4RL and NeoRL loaders (issue 35): every mutated input must load
/// into data with no error-level problem, or fail with ``OfflineDataError`` / ``HDF5Error``;
/// anything else (another error type, data that loads but does not validate) fails the test, and
/// a crash would end the test process. Prints the counts.
///
/// libhdf5 1.10.8 does not free an object header it fails to load (`H5Oopen` → `H5C_protect` →
/// the object-header cache): after this suite 9 of its free-list blocks are still allocated, and
/// HDF5's shutdown may then print `HDF5: infinite loop closing library … FL,FL,…` once the test
/// process ends (exit status 0). Found with an `LD_PRELOAD` spy on `H5FL_*_malloc`/`H5FL_*_free`
/// that kept each block's allocation stack: all 9 come from `HDF5Group.kind(of:)`'s `H5Oopen`
/// on mutated files, which fails and leaves no identifier open.
@Suite("Loader fuzz: typed error or valid data, never a crash")
struct LoaderFuzzTests {
    /// The seed corpus, written once per test process by `Tests/Fixtures/fuzz-corpus/make_corpus.py` (seeded).
    private static let generated = Result<URL, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orl-fuzz-corpus-\(UUID().uuidString)")
        let script = Python.repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz-corpus/make_corpus.py").path
        _ = try Python.check(try String(contentsOfFile: script, encoding: .utf8), arguments: [folder.path])
        return folder
    }

    /// The corpus folder.
    /// - Throws: when `make_corpus.py` failed (its stderr).
    static func corpus() throws -> URL { try generated.get() }

    /// The outcome counts of one run.
    struct Counts: CustomStringConvertible {
        var tried = 0, clearErrors = 0, acceptedValid = 0, silentlyAccepted = 0, untypedErrors = 0
        var failures = [String]()

        /// Loads `path` with `load` and files the outcome under `name`.
        mutating func check(_ name: String, _ load: () throws -> OfflineDataset) {
            tried += 1
            do {
                let data = try load()
                _ = data.qlearningTransitions()
                _ = data.episodes()
                let errors = data.validate().filter { $0.severity == .error }
                if errors.isEmpty { acceptedValid += 1 } else {
                    silentlyAccepted += 1
                    failures.append("\(name): accepted with \(errors)")
                }
            } catch let error as OfflineDataError {
                clearErrors += 1
                if error.description.isEmpty { failures.append("\(name): empty message") }
            } catch let error as HDF5Error {
                clearErrors += 1
                if "\(error)".isEmpty { failures.append("\(name): empty message") }
            } catch {
                untypedErrors += 1
                failures.append("\(name): untyped \(type(of: error)): \(error)")
            }
        }

        var description: String {
            "\(tried) cases tried, \(clearErrors) clear errors, \(acceptedValid) accepted and valid, 0 crashes, "
                + "\(untypedErrors) untyped errors, \(silentlyAccepted) silently accepted"
        }
    }

    @Test func corpusFilesLoadCleanly() throws {
        for name in ["d4rl-gzip.hdf5", "d4rl-float64.hdf5"] {
            let data = try D4RLFile.load(path: try Self.corpus().appendingPathComponent(name).path, actionBound: 1)
            #expect(data.count == 40)
        }
        #expect(try NeoRLFile.load(path: try Self.corpus().appendingPathComponent("neorl-train.npz").path).count == 30)
    }

    @Test func mutatedInputsGiveTypedErrorsOrValidData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 35)
        var counts = Counts()
        let started = Date()
        let cases = 600, budget: TimeInterval = 30  // about 4 s in release builds; the budget only guards slow machines
        let sources: [(file: String, rows: Int, neorl: Bool)] = [("d4rl-gzip.hdf5", 40, false), ("d4rl-float64.hdf5", 40, false),
                                                                 ("neorl-train.npz", 30, true)]
        let originals = try sources.map { try Data(contentsOf: try Self.corpus().appendingPathComponent($0.file)) }
        var round = 0
        while round < cases, Date().timeIntervalSince(started) < budget {
            defer { round += 1 }
            if round % 3 == 2 {
                let (raw, name) = LoaderMutations.structural(&rng)
                let path = dir.path("structural.hdf5")
                try raw.write(to: path, options: rng.integer(below: 2) == 0 ? .h5pyGzip : .contiguous)
                counts.check("structural: \(name)") { try D4RLFile.load(path: path, actionBound: 1) }
            } else {
                let pick = rng.integer(below: sources.count)
                let (bytes, name) = LoaderMutations.damage(originals[pick], rows: sources[pick].rows, &rng)
                let path = dir.path(sources[pick].neorl ? "damaged.npz" : "damaged.hdf5")
                try bytes.write(to: URL(fileURLWithPath: path))
                counts.check("\(sources[pick].file): \(name)") {
                    sources[pick].neorl ? try NeoRLFile.load(path: path) : try D4RLFile.load(path: path)
                }
            }
        }
        print("loader fuzz (seed 35, \(String(format: "%.1f", Date().timeIntervalSince(started))) s): \(counts)")
        #expect(counts.tried == cases, "the time budget ran out: \(counts)")
        #expect(counts.clearErrors > 0 && counts.acceptedValid > 0)
        #expect(counts.failures.isEmpty, "\(counts.failures.prefix(10).joined(separator: "\n"))")
    }
}
