/// Transitions in D4RL's layout, held as Float32 tensors: row `t` stores `s_t, a_t, r_t`, the
/// flags of step `t`, and (when the file has them) `s_{t+1}` and per-step infos.
///
/// Load one with ``D4RLFile/load(path:validation:)`` or ``NeoRLFile/load(path:validationPath:)``,
/// then take a view: ``qlearningTransitions()`` (d4rl's `qlearning_dataset`, exactly),
/// ``dynamicsTransitions()`` (stored next observations, for dynamics models) or ``episodes()``.
public struct OfflineDataset: Sendable {
    /// How rows relate to their successors, which decides the q-learning and dynamics views.
    public enum Layout: Sendable, Equatable {
        /// D4RL's flat rows: the successor of row `t` is row `t + 1` within an episode, a timeout
        /// row's successor is unknown (d4rl drops it), `next_observations` is optional.
        case d4rl
        /// Whole episodes, as Minari stores them: every row's `nextObservations` is the episode's
        /// next observation, so timeout (truncation) rows keep their true successor.
        case episodes
    }

    /// Where the data came from (a path or a registry name), for messages.
    public var source: String
    /// `s_t`, shape `[N, observationDimension]`.
    public var observations: Tensor
    /// `a_t`, shape `[N, actionDimension]`.
    public var actions: Tensor
    /// `r_t`, shape `[N]` (`(N, 1)` files are squeezed, as d4rl does).
    public var rewards: Tensor
    /// Whether step `t` ended the episode in a terminal state.
    public var terminals: [Bool]
    /// Whether step `t` ended the episode by the time limit; nil when the file has no `timeouts`.
    public var timeouts: [Bool]?
    /// The stored `s_{t+1}`, shape `[N, observationDimension]`, when the file has `next_observations`.
    public var nextObservations: Tensor?
    /// Per-step extras under `infos/` (`qpos`, `qvel`, `action_log_probs`, ...), by name.
    public var infos: [String: Tensor]
    /// Scalar entries under `metadata/` rendered as text (`algorithm` → `SAC`).
    public var metadata: [String: String]
    /// Every key of the source with its stored dtype and shape (`"float64 [202000, 17]"`).
    public var storedLayout: [String: String]
    /// Problems the loader found in what it converted (a flag of 2 read as true when loading
    /// with ``D4RLFile/Validation/report``); ``validate(actionBound:)`` includes them.
    public var loadProblems: [DatasetProblem]
    /// ``Layout/d4rl`` for D4RL and NeoRL files, ``Layout/episodes`` for Minari datasets
    /// (``MinariFile/load(path:validation:actionBound:)``), which always have `nextObservations`.
    public var layout: Layout = .d4rl

    /// Creates a dataset from arrays whose first dimensions all equal `rewards.count`.
    ///
    /// - Parameters:
    ///   - source: A path or name for messages.
    ///   - observations: `[N, obs]`.
    ///   - actions: `[N, act]`.
    ///   - rewards: `[N]`.
    ///   - terminals: N flags.
    ///   - timeouts: N flags, or nil.
    ///   - nextObservations: `[N, obs]`, or nil.
    ///   - infos: Extra per-step arrays, each with N rows.
    ///   - metadata: Textual metadata.
    /// - Throws: ``OfflineDataError/lengthMismatch(file:key:expected:found:)`` or
    ///   ``OfflineDataError/wrongShape(file:key:expected:found:)`` when the arrays disagree.
    public init(source: String, observations: Tensor, actions: Tensor, rewards: Tensor, terminals: [Bool],
                timeouts: [Bool]? = nil, nextObservations: Tensor? = nil, infos: [String: Tensor] = [:],
                metadata: [String: String] = [:]) throws {
        let n = rewards.count
        func check(_ key: String, _ tensor: Tensor, rank: Int) throws {
            guard tensor.rank == rank else {
                throw OfflineDataError.wrongShape(file: source, key: key, expected: "rank \(rank)",
                                                  found: tensor.shape.dimensions)
            }
            guard tensor.shape[0] == n else {
                throw OfflineDataError.lengthMismatch(file: source, key: key, expected: n, found: tensor.shape[0])
            }
        }
        guard rewards.rank == 1 else {
            throw OfflineDataError.wrongShape(file: source, key: "rewards", expected: "(N,)", found: rewards.shape.dimensions)
        }
        try check("observations", observations, rank: 2)
        try check("actions", actions, rank: 2)
        if let nextObservations {
            try check("next_observations", nextObservations, rank: 2)
            guard nextObservations.shape == observations.shape else {
                throw OfflineDataError.wrongShape(file: source, key: "next_observations",
                                                  expected: "\(observations.shape.dimensions)",
                                                  found: nextObservations.shape.dimensions)
            }
        }
        guard terminals.count == n else {
            throw OfflineDataError.lengthMismatch(file: source, key: "terminals", expected: n, found: terminals.count)
        }
        if let timeouts, timeouts.count != n {
            throw OfflineDataError.lengthMismatch(file: source, key: "timeouts", expected: n, found: timeouts.count)
        }
        for (key, tensor) in infos where tensor.rank == 0 || tensor.shape[0] != n {
            throw OfflineDataError.lengthMismatch(file: source, key: "infos/" + key, expected: n,
                                                  found: tensor.rank == 0 ? 1 : tensor.shape[0])
        }
        self.source = source
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.terminals = terminals
        self.timeouts = timeouts
        self.nextObservations = nextObservations
        self.infos = infos
        self.metadata = metadata
        self.storedLayout = [:]
        self.loadProblems = []
    }

    /// The number of rows (transitions as stored).
    public var count: Int { rewards.count }
    /// The observation width.
    public var observationDimension: Int { observations.shape[1] }
    /// The action width.
    public var actionDimension: Int { actions.shape[1] }
}
