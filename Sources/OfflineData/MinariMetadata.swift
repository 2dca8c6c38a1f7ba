import Foundation

/// A Minari dataset's `data/metadata.json`: what Minari 0.5 writes (`minari/dataset/minari_storage.py`
/// `MinariStorage.new`, `minari/utils.py` `_generate_dataset_metadata`) and this library reads.
///
/// Minari keeps the reference returns of `minari.get_normalized_score` here (`ref_min_score`,
/// `ref_max_score`), so they exist only where a dataset's authors recorded them.
public struct MinariMetadata: Sendable, Equatable {
    /// The dataset id, `(namespace/)name-vN` (`mujoco/hopper/medium-v0`).
    public var datasetID: String
    /// The number of episode groups (`episode_0` … in `main_data.hdf5`).
    public var totalEpisodes: Int
    /// The number of steps of all episodes together.
    public var totalSteps: Int
    /// The storage format; this library reads `hdf5` (Minari's default; `arrow` is its other one).
    public var dataFormat: String
    /// The Minari version that wrote the dataset (`0.5.4`).
    public var minariVersion: String?
    /// The observation space, when recorded.
    public var observationSpace: MinariBoxSpace?
    /// The action space, when recorded.
    public var actionSpace: MinariBoxSpace?
    /// The Gymnasium environment spec (`EnvSpec.to_json()`), when recorded.
    public var environmentSpec: String?
    /// The evaluation environment's spec, when it differs from ``environmentSpec``.
    public var evaluationEnvironmentSpec: String?
    /// The minimum reference return (a random policy's), when recorded.
    public var refMinScore: Double?
    /// The maximum reference return (an expert policy's), when recorded.
    public var refMaxScore: Double?
    /// The algorithm that collected the data.
    public var algorithmName: String?
    /// A link to the code that made the data.
    public var codePermalink: String?
    /// Free text.
    public var description: String?

    /// Creates metadata for a new dataset (the writer's input).
    public init(datasetID: String, totalEpisodes: Int = 0, totalSteps: Int = 0, dataFormat: String = "hdf5",
                minariVersion: String? = MinariMetadata.writtenVersion, observationSpace: MinariBoxSpace? = nil,
                actionSpace: MinariBoxSpace? = nil, environmentSpec: String? = nil, evaluationEnvironmentSpec: String? = nil,
                refMinScore: Double? = nil, refMaxScore: Double? = nil, algorithmName: String? = nil,
                codePermalink: String? = nil, description: String? = nil) {
        self.datasetID = datasetID
        self.totalEpisodes = totalEpisodes
        self.totalSteps = totalSteps
        self.dataFormat = dataFormat
        self.minariVersion = minariVersion
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.environmentSpec = environmentSpec
        self.evaluationEnvironmentSpec = evaluationEnvironmentSpec
        self.refMinScore = refMinScore
        self.refMaxScore = refMaxScore
        self.algorithmName = algorithmName
        self.codePermalink = codePermalink
        self.description = description
    }

    /// The `minari_version` this library writes: the newest release whose layout it follows
    /// (`minari.load_dataset` refuses versions outside its `supported_dataset_versions`).
    public static let writtenVersion = "0.5.4"

    private struct Raw: Decodable {
        var dataset_id: String?
        var total_episodes: Int?
        var total_steps: Int?
        var data_format: String?
        var minari_version: String?
        var observation_space: String?
        var action_space: String?
        var env_spec: String?
        var eval_env_spec: String?
        var ref_min_score: Double?
        var ref_max_score: Double?
        var algorithm_name: String?
        var code_permalink: String?
        var description: String?
    }

    /// Parses a `metadata.json`.
    /// - Parameters:
    ///   - json: The file's bytes.
    ///   - file: Its path, for messages.
    /// - Throws: ``OfflineDataError/badMetadata(file:reason:)`` when it is not a JSON object, a
    ///   known key has the wrong type, `total_episodes` is missing or negative, `data_format` is
    ///   not `hdf5`, or a recorded space is not a `Box`.
    public init(json: Data, file: String) throws {
        let text = MinariJSON.quotingNonFiniteTokens(String(decoding: json, as: UTF8.self))
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(text.utf8))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OfflineDataError.badMetadata(file: file, reason: "'\(key)': \(context.debugDescription)")
        } catch {
            throw OfflineDataError.badMetadata(file: file, reason: "not a JSON object: \(error.localizedDescription)")
        }
        guard let episodes = raw.total_episodes, episodes >= 0 else {
            throw OfflineDataError.badMetadata(file: file, reason: "'total_episodes' is missing or negative")
        }
        let format = raw.data_format ?? "hdf5"
        guard format == "hdf5" else {
            throw OfflineDataError.badMetadata(
                file: file, reason: "data_format '\(format)' is not read here (only Minari's hdf5 storage is)")
        }
        self.init(datasetID: raw.dataset_id ?? "", totalEpisodes: episodes, totalSteps: raw.total_steps ?? 0,
                  dataFormat: format, minariVersion: raw.minari_version,
                  observationSpace: try raw.observation_space.map { try MinariBoxSpace(serialized: $0, file: file, key: "observation_space") },
                  actionSpace: try raw.action_space.map { try MinariBoxSpace(serialized: $0, file: file, key: "action_space") },
                  environmentSpec: raw.env_spec, evaluationEnvironmentSpec: raw.eval_env_spec,
                  refMinScore: raw.ref_min_score, refMaxScore: raw.ref_max_score, algorithmName: raw.algorithm_name,
                  codePermalink: raw.code_permalink, description: raw.description)
    }

    /// The Gymnasium id in ``environmentSpec`` (`Hopper-v5`), if any.
    public var environmentID: String? { Self.specField(environmentSpec, "id") as? String }

    /// The time limit in ``environmentSpec`` (`max_episode_steps`), if any.
    public var maxEpisodeSteps: Int? { Self.specField(environmentSpec, "max_episode_steps") as? Int }

    /// This library's task name for ``environmentID``: `Hopper-v5` → `hopper-v5`, while the v3 and
    /// v4 ids (D4RL's semantics, this library's default) map to the bare name (`Walker2d-v4` →
    /// `walker2d`); other ids are lower-cased.
    public var environment: String? { environmentID.map(Self.taskName(environmentID:)) }

    /// See ``environment``.
    public static func taskName(environmentID id: String) -> String {
        let lower = id.lowercased()
        for suffix in ["-v3", "-v4"] where lower.hasSuffix(suffix) {
            let base = String(lower.dropLast(suffix.count))
            if ["halfcheetah", "hopper", "walker2d", "ant"].contains(base) { return base }
        }
        return lower
    }

    /// The `env_spec` Gymnasium 1.x writes for this library's tasks (`hopper` → `Hopper-v4`,
    /// `hopper-v5` → `Hopper-v5`), or nil for tasks Gymnasium does not have.
    public static func environmentSpec(forTask task: String, maxEpisodeSteps: Int = 1000) -> String? {
        let lower = task.lowercased()
        let version = lower.hasSuffix("-v5") ? 5 : 4
        let base = lower.hasSuffix("-v5") ? String(lower.dropLast(3)) : lower
        let known: [String: (id: String, module: String, entry: String, threshold: String)] = [
            "halfcheetah": ("HalfCheetah", "half_cheetah", "HalfCheetahEnv", "4800.0"),
            "hopper": ("Hopper", "hopper", "HopperEnv", "3800.0"),
            "walker2d": ("Walker2d", "walker2d", "Walker2dEnv", "null"),
        ]
        guard let env = known[base] else { return nil }
        return "{\"id\": \"\(env.id)-v\(version)\", \"entry_point\": \"gymnasium.envs.mujoco.\(env.module)_v\(version):\(env.entry)\", "
            + "\"reward_threshold\": \(env.threshold), \"nondeterministic\": false, \"max_episode_steps\": \(maxEpisodeSteps), "
            + "\"order_enforce\": true, \"disable_env_checker\": false, \"kwargs\": {}, \"additional_wrappers\": [], "
            + "\"vector_entry_point\": null}"
    }

    /// The JSON Minari reads back: every field this value holds, keys sorted.
    public func jsonData() throws -> Data {
        var object: [String: Any] = ["dataset_id": datasetID, "total_episodes": totalEpisodes, "total_steps": totalSteps,
                                     "data_format": dataFormat, "jpeg_encoding": false]
        object["minari_version"] = minariVersion
        object["observation_space"] = observationSpace?.serialized
        object["action_space"] = actionSpace?.serialized
        object["env_spec"] = environmentSpec
        object["eval_env_spec"] = evaluationEnvironmentSpec
        object["ref_min_score"] = refMinScore
        object["ref_max_score"] = refMaxScore
        object["algorithm_name"] = algorithmName
        object["code_permalink"] = codePermalink
        object["description"] = description
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func specField(_ spec: String?, _ key: String) -> Any? {
        guard let spec, let object = try? MinariJSON.object(spec, file: "", what: "env_spec") else { return nil }
        return object[key]
    }
}
