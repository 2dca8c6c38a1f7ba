import Foundation
import PolicyLearning

/// A saved behaviour policy: the actor's parameters (``Checkpoint`` layout) plus a JSON
/// description beside it (`NAME.h5` and `NAME.json`).
public struct BehaviourPolicyInfo: Codable, Sendable, Equatable {
    /// Task name.
    public var environment: String
    /// "medium" or "expert".
    public var role: String
    /// SAC training step the actor comes from.
    public var step: Int
    /// Mean deterministic evaluation return at that step.
    public var evaluationReturn: Double
    /// Hidden widths of the actor.
    public var hiddenSizes: [Int]
    /// Seed of the SAC run.
    public var seed: UInt64

    /// Creates a description.
    public init(environment: String, role: String, step: Int, evaluationReturn: Double, hiddenSizes: [Int], seed: UInt64) {
        self.environment = environment
        self.role = role
        self.step = step
        self.evaluationReturn = evaluationReturn
        self.hiddenSizes = hiddenSizes
        self.seed = seed
    }
}

/// Saving, loading and choosing the behaviour policies the dataset generator runs.
public enum BehaviourPolicy {
    /// Paths of the actor and description of `environment`'s `role` policy in `directory`.
    public static func paths(directory: URL, environment: String, role: String) -> (actor: String, info: String) {
        let base = directory.appendingPathComponent("\(environment)-\(role)")
        return (base.appendingPathExtension("h5").path, base.appendingPathExtension("json").path)
    }

    /// Writes an actor and its description.
    public static func save(_ actor: TanhGaussianActor, info: BehaviourPolicyInfo, directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (actorPath, infoPath) = paths(directory: directory, environment: info.environment, role: info.role)
        try AtomicFile.produce(actorPath) { try Checkpoint.save(actor, to: $0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(info), to: infoPath)
    }

    /// Loads an actor saved by ``save(_:info:directory:)``.
    /// - Parameters:
    ///   - directory: The policies' folder.
    ///   - environment: Task name.
    ///   - role: `medium` or `expert`.
    ///   - observationDimension: The actor's input width.
    ///   - actionDimension: The actor's output width.
    ///   - expectedSHA256: The actor file's required SHA-256 (the registry's, ``PolicyEntry``), or
    ///     nil to load any actor.
    /// - Throws: ``DatasetGenerationError/missingPolicy(path:hint:)`` when the files are absent,
    ///   ``DatasetGenerationError/policyChecksumMismatch(path:expected:found:)`` when the actor
    ///   file is not the expected one.
    public static func load(directory: URL, environment: String, role: String, observationDimension: Int,
                            actionDimension: Int, expectedSHA256: String? = nil) throws -> (TanhGaussianActor, BehaviourPolicyInfo) {
        let (actorPath, infoPath) = paths(directory: directory, environment: environment, role: role)
        guard FileManager.default.fileExists(atPath: actorPath), FileManager.default.fileExists(atPath: infoPath) else {
            throw DatasetGenerationError.missingPolicy(
                path: actorPath,
                hint: "train one with `orl sac --env \(environment) --snapshots --out RUN` and extract it with `orl dataset policies --run RUN --env \(environment)`")
        }
        if let expected = expectedSHA256?.lowercased() {
            let found = try SHA256Checksum.hexDigest(ofFileAt: actorPath)
            guard found == expected else {
                throw DatasetGenerationError.policyChecksumMismatch(path: actorPath, expected: expected, found: found)
            }
        }
        let info = try JSONDecoder().decode(BehaviourPolicyInfo.self, from: Data(contentsOf: URL(fileURLWithPath: infoPath)))
        var unused = RandomGenerator(seed: 0)
        let actor = TanhGaussianActor(observationDimension: observationDimension, actionDimension: actionDimension,
                                      hiddenSizes: info.hiddenSizes, rng: &unused)
        try Checkpoint.load(into: actor, from: actorPath)
        return (actor, info)
    }

    /// Picks D4RL's two behaviour policies from a finished `orl sac --snapshots` run: the expert is
    /// the last evaluated snapshot, the medium one the snapshot whose evaluation return is closest
    /// to one third of the expert's (D4RL: "a policy trained to approximately 1/3 the performance of
    /// the expert").
    public static func extract(run: URL, environment: String, into directory: URL) throws
        -> (medium: BehaviourPolicyInfo, expert: BehaviourPolicyInfo) {
        let configData = try Data(contentsOf: run.appendingPathComponent("config.json"))
        // Read as today's version reads an earlier run's settings (keys added since take their defaults).
        let config = try OnlineTrainingConfiguration.reading(try JSONDecoder().decode(JSONValue.self, from: configData))
        let rows = try TrainingLog.readRows(directory: run)
        let evaluated: [(step: Int, value: Double)] = rows.compactMap { row in
            guard let s = row["step"], let r = row["return_mean"] else { return nil }
            let path = run.appendingPathComponent("snapshots").appendingPathComponent(String(format: "actor-step%09d.h5", Int(s))).path
            return FileManager.default.fileExists(atPath: path) ? (Int(s), r) : nil
        }
        guard let expert = evaluated.last else {
            throw DatasetGenerationError.missingPolicy(path: run.appendingPathComponent("snapshots").path,
                                                       hint: "run `orl sac` with --snapshots so evaluations save the actor")
        }
        let goal = expert.value / 3
        let medium = evaluated.min { Swift.abs($0.value - goal) < Swift.abs($1.value - goal) }!
        var results = [BehaviourPolicyInfo]()
        for (role, pick) in [("medium", medium), ("expert", expert)] {
            var unused = RandomGenerator(seed: 0)
            let env = try makeEnvironment(named: config.environment)
            let actor = TanhGaussianActor(observationDimension: env.observationSpec.dimension,
                                          actionDimension: env.actionSpec.dimension,
                                          hiddenSizes: config.sac.hiddenSizes, rng: &unused)
            let path = run.appendingPathComponent("snapshots").appendingPathComponent(String(format: "actor-step%09d.h5", pick.step)).path
            try Checkpoint.load(into: actor, from: path)
            let info = BehaviourPolicyInfo(environment: environment, role: role, step: pick.step,
                                           evaluationReturn: pick.value, hiddenSizes: config.sac.hiddenSizes, seed: config.seed)
            try save(actor, info: info, directory: directory)
            results.append(info)
        }
        return (results[0], results[1])
    }
}

/// Why a dataset cannot be generated.
public enum DatasetGenerationError: Error, CustomStringConvertible, Equatable {
    /// No policy file at `path`; `hint` says how to make one.
    case missingPolicy(path: String, hint: String)
    /// The SAC run's replay buffer is absent or too short.
    case missingReplay(run: String, hint: String)
    /// The request itself is invalid.
    case invalidRequest(String)
    /// The actor file at `path` has SHA-256 `found`, not the `expected` one the registry records.
    case policyChecksumMismatch(path: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .missingPolicy(path, hint): return "no behaviour policy at \(path): \(hint)"
        case let .missingReplay(run, hint): return "no SAC replay buffer in \(run): \(hint)"
        case let .invalidRequest(message): return message
        case let .policyChecksumMismatch(path, expected, found):
            return "\(path) has SHA-256 \(found), but the dataset registry records \(expected) for the policy this "
                + "project's -orl datasets were made with; restore the original (delete the file and run `scripts/setup`), "
                + "or keep your own policies in another folder (`orl dataset policies --out DIR`) and pass `--policies DIR`"
        }
    }
}
