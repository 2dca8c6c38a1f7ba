import Foundation

/// What a shared dynamics fit (`--dynamics-cache FILE`) was made from, written beside it as
/// `FILE.json`. The fit's settings (learning rate, holdout ratio, epochs, …) do not change the
/// model's shapes, so a cache fitted for another algorithm would load without complaint; a run
/// whose own fit would differ refuses the cache instead of training on another model.
struct DynamicsCacheRecord: Codable, Equatable {
    /// The dataset as the configuration names it.
    var dataset: String
    /// The fit's seed: `dynamicsSeed`, or the run's seed without one.
    var fitSeed: UInt64
    /// The ensemble and its fit.
    var dynamics: DynamicsEnsembleConfiguration
    /// The fitting run's summary (epochs, stop reason, holdout errors, elites), copied into the
    /// `dynamics.json` of each run that loads the cache; not a setting, so never compared.
    var fit: [String: String]?

    init(_ configuration: OfflineTrainingConfiguration) {
        dataset = configuration.dataset
        fitSeed = configuration.dynamicsSeed ?? configuration.seed
        dynamics = configuration.dynamics
    }

    /// The record's path for the cache at `cache`.
    static func path(for cache: String) -> String { cache + ".json" }

    /// Writes the record beside `cache` (atomically).
    func write(for cache: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: Self.path(for: cache))
    }

    /// The record beside `cache`, or `nil` when there is none (caches written before records existed).
    static func read(for cache: String) throws -> DynamicsCacheRecord? {
        guard let data = FileManager.default.contents(atPath: path(for: cache)) else { return nil }
        do {
            return try JSONDecoder().decode(DynamicsCacheRecord.self, from: data)
        } catch {
            throw OfflineTrainingError.invalidConfiguration("the dynamics cache's record \(path(for: cache)) is unreadable (\(error)); remove the cache and its record to fit again")
        }
    }

    /// The dotted paths of the settings that differ (`dynamics.learningRate`, `fitSeed`).
    func differences(from run: DynamicsCacheRecord) -> [String] {
        var settings = self, other = run
        settings.fit = nil
        other.fit = nil
        guard let mine = try? JSONValue(encoding: settings), let theirs = try? JSONValue(encoding: other) else {
            return settings == other ? [] : ["(the whole record)"]
        }
        return mine.differences(from: theirs)
    }
}
