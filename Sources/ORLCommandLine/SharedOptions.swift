import ArgumentParser
import Foundation
import OfflineRL

// Option groups shared by several commands, so each option is declared and validated once.

/// `--dataset NAME_OR_PATH`: a registered dataset or an existing file.
struct DatasetOption: ParsableArguments {
    @Option(help: "A registered dataset name (see `orl dataset list`) or a D4RL-format HDF5 path.")
    var dataset: String

    func validate() throws {
        guard !FileManager.default.fileExists(atPath: dataset) else { return }
        do { _ = try DatasetRegistry.standard().entry(named: dataset) } catch { throw ValidationError("\(error)") }
    }
}

/// `--out DIR` and `--resume`: where a run lives and whether to continue it.
struct RunDirectoryOptions: ParsableArguments {
    @Option(help: "The run directory (each command documents its default).")
    var out: String?

    @Flag(help: "Continue the run in the run directory from its last checkpoint.")
    var resume = false

    /// `--out`, or `fallback` when it was not given.
    func directory(default fallback: String) -> URL { URL(fileURLWithPath: out ?? fallback) }
}

/// `--seed S`; each command documents its default.
struct SeedOption: ParsableArguments {
    @Option(help: "Random seed (each command documents its default).")
    var seed: UInt64?
}

/// `--config FILE`: a JSON object of setting overrides.
struct ConfigFileOption: ParsableArguments {
    @Option(help: "A JSON file of setting overrides: a JSON object with the keys of the run's config.json.")
    var config: String?

    func validate() throws {
        if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config \(config) does not exist.") }
    }

    /// The file's JSON object, or `nil` without `--config`.
    /// - Throws: `ValidationError` when the file is unreadable or not a JSON object.
    func layer() throws -> JSONValue? {
        guard let config else { return nil }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: config))) } catch {
            throw ValidationError("--config \(config) is not JSON (\(error.localizedDescription)).")
        }
        guard case .object = value else { throw ValidationError("--config \(config) must hold a JSON object.") }
        return value
    }
}

extension BudgetPreset: ExpressibleByArgument {}
extension WeightDecayStyle: ExpressibleByArgument {}

/// A task of the Environments module (`--env`).
enum TaskName: String, CaseIterable, ExpressibleByArgument {
    case halfcheetah, hopper, walker2d, pointmass

    /// The MuJoCo locomotion tasks (the generated datasets' tasks).
    static let mujoco: [TaskName] = [.halfcheetah, .hopper, .walker2d]

    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension DynamicsSource: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var defaultCompletionKind: CompletionKind { .list(["learned", "true", "interpolate:0.5"]) }
}

/// Refuses a value of `option` that is not positive (`nil`: not given, accepted).
func requirePositive<T: Comparable & Numeric>(_ value: T?, _ option: String) throws {
    if let value, !(value > 0) { throw ValidationError("\(option) must be positive, got \(value).") }
}

/// Writes one line to standard error.
func printError(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
