import Foundation
import PolicyLearning
import HDF5

/// Collects D4RL-layout transitions by running a policy in an environment (D4RL's
/// `collect_data.py`): row t holds s_t, a_t, r_t, s_{t+1}, and `infos/qpos`, `infos/qvel` of s_t;
/// `timeouts` marks the 1000th step of an episode, `terminals` a real termination; the data is
/// truncated to the requested size, so the last episode may end with neither flag.
///
/// Work is split into chunks of whole episodes (each at least ``rowsPerChunk`` rows), each written
/// to `workDirectory` as it finishes, with its own generator seeded from (seed, chunk index) and
/// episode resets seeded by episode index. A killed collection started again
/// reuses the finished chunks and produces exactly the dataset an uninterrupted run would.
public struct DatasetCollector {
    /// Task name.
    public var environment: String
    /// Rows to collect.
    public var transitions: Int
    /// Seed of the episode resets and the action noise.
    public var seed: UInt64
    /// Rows after which a chunk is closed (at the end of the episode running then).
    public var rowsPerChunk: Int = 50_000
    /// Episode time limit.
    public var maxEpisodeSteps: Int = 1000

    /// Creates a collector.
    public init(environment: String, transitions: Int, seed: UInt64) {
        self.environment = environment
        self.transitions = transitions
        self.seed = seed
    }

    /// Runs `actor` (sampling actions) until `transitions` rows exist and returns them.
    ///
    /// - Parameters:
    ///   - actor: the behaviour policy.
    ///   - workDirectory: where chunks are kept; reused when it already holds chunks.
    ///   - stopAfterChunks: stop (returning `nil`) after writing this many new chunks, to test resumption.
    ///   - progress: called after each chunk with the rows collected so far.
    public func collect(actor: TanhGaussianActor, workDirectory: URL, stopAfterChunks: Int? = nil,
                        progress: ((Int) -> Void)? = nil) throws -> OfflineDataset? {
        guard transitions > 0 else { throw DatasetGenerationError.invalidRequest("transitions must be positive") }
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        var chunks = [Chunk]()
        var total = 0, written = 0, nextEpisode = 0
        while total < transitions {
            let path = workDirectory.appendingPathComponent(String(format: "chunk-%05d.h5", chunks.count)).path
            let chunk: Chunk
            if FileManager.default.fileExists(atPath: path) {
                chunk = try Chunk(path: path)
            } else {
                if let stop = stopAfterChunks, written >= stop { return nil }
                chunk = try runChunk(index: chunks.count, firstEpisode: nextEpisode, actor: actor)
                try AtomicFile.produce(path) { try chunk.write(to: $0) }
                written += 1
            }
            chunks.append(chunk)
            total += chunk.count
            nextEpisode = chunk.firstEpisode + chunk.episodes
            progress?(Swift.min(total, transitions))
        }
        return try Chunk.dataset(concatenating: chunks, rows: transitions, source: "\(environment) collection")
    }

    /// Runs episodes from `firstEpisode` on until the chunk holds ``rowsPerChunk`` rows.
    private func runChunk(index: Int, firstEpisode: Int, actor: TanhGaussianActor) throws -> Chunk {
        let (env, mujoco) = try makeBaseEnvironment(environment)
        var environment = env
        let o = environment.observationSpec.dimension
        var rng = RandomGenerator(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)))
        var chunk = Chunk()
        chunk.firstEpisode = firstEpisode
        var observation = [Float](repeating: 0, count: o), next = observation
        while chunk.count < Swift.min(rowsPerChunk, transitions) {
            let episode = firstEpisode + chunk.episodes
            chunk.episodes += 1
            environment.reset(seed: seed &* 1_000_003 &+ UInt64(episode) &+ (1 << 50), into: &observation)
            for t in 0..<maxEpisodeSteps {
                if let mujoco {
                    chunk.qpos += mujoco.simulator.positions.map(Float.init)
                    chunk.qvel += mujoco.simulator.velocities.map(Float.init)
                }
                let action = actor.act(Tensor(shape: [1, o], scalars: observation), deterministic: false, rng: &rng).scalars
                let outcome = environment.step(action, into: &next)
                let timeout = t == maxEpisodeSteps - 1 && !outcome.terminated
                chunk.append(observation: observation, action: action, reward: Float(outcome.reward),
                             next: next, terminal: outcome.terminated, timeout: timeout)
                swap(&observation, &next)
                if outcome.terminated { break }
            }
        }
        chunk.observationDimension = o
        chunk.actionDimension = environment.actionSpec.dimension
        chunk.positionDimension = mujoco?.simulator.positionCount ?? 0
        chunk.velocityDimension = mujoco?.simulator.velocityCount ?? 0
        return chunk
    }
}

/// The environment without a time limit (the collector applies D4RL's), and its simulator when MuJoCo.
func makeBaseEnvironment(_ name: String) throws -> (any Environment, (any MuJoCoEnvironment)?) {
    if name.lowercased().hasPrefix("pointmass") { return (PointMass(), nil) }
    let mujoco = try makeMuJoCoEnvironment(named: name)
    return (mujoco, mujoco)
}

/// Whole episodes of collected rows, flat arrays, saved as one small HDF5 file.
struct Chunk {
    var observations: [Float] = [], actions: [Float] = [], rewards: [Float] = [], nextObservations: [Float] = []
    var terminals: [UInt8] = [], timeouts: [UInt8] = []
    var qpos: [Float] = [], qvel: [Float] = []
    var observationDimension = 0, actionDimension = 0, positionDimension = 0, velocityDimension = 0
    /// Index of the chunk's first episode, and how many episodes it holds.
    var firstEpisode = 0, episodes = 0
    var count: Int { rewards.count }

    init() {}

    mutating func append(observation: [Float], action: [Float], reward: Float, next: [Float], terminal: Bool, timeout: Bool) {
        observations += observation
        actions += action
        rewards.append(reward)
        nextObservations += next
        terminals.append(terminal ? 1 : 0)
        timeouts.append(timeout ? 1 : 0)
    }

    func write(to path: String) throws {
        let file = try HDF5File(path: path, mode: .create)
        let r = file.root
        try r.write(observations, shape: [count, observationDimension], at: "observations")
        try r.write(actions, shape: [count, actionDimension], at: "actions")
        try r.write(rewards, at: "rewards")
        try r.write(nextObservations, shape: [count, observationDimension], at: "next_observations")
        try r.write(terminals, at: "terminals")
        try r.write(timeouts, at: "timeouts")
        try r.write([Int64(firstEpisode), Int64(episodes)], at: "episode_range")
        if positionDimension > 0 {
            try r.write(qpos, shape: [count, positionDimension], at: "qpos")
            try r.write(qvel, shape: [count, velocityDimension], at: "qvel")
        }
        try file.flush()
    }

    init(path: String) throws {
        let r = try HDF5File(path: path).root
        let obs = try r.dataset("observations"), act = try r.dataset("actions")
        observations = try obs.read(Float.self)
        actions = try act.read(Float.self)
        rewards = try r.dataset("rewards").read(Float.self)
        nextObservations = try r.dataset("next_observations").read(Float.self)
        terminals = try r.dataset("terminals").read(UInt8.self)
        timeouts = try r.dataset("timeouts").read(UInt8.self)
        let range = try r.dataset("episode_range").read(Int64.self)
        firstEpisode = Int(range[0])
        episodes = Int(range[1])
        observationDimension = obs.shape[1]
        actionDimension = act.shape[1]
        if r.contains("qpos") {
            let p = try r.dataset("qpos"), v = try r.dataset("qvel")
            qpos = try p.read(Float.self)
            qvel = try v.read(Float.self)
            positionDimension = p.shape[1]
            velocityDimension = v.shape[1]
        }
    }

    /// The first `rows` rows of the chunks, in order, as a dataset.
    static func dataset(concatenating chunks: [Chunk], rows: Int, source: String) throws -> OfflineDataset {
        let first = chunks[0]
        let o = first.observationDimension, a = first.actionDimension
        func take<T>(_ field: KeyPath<Chunk, [T]>, width: Int) -> [T] {
            var out = [T]()
            out.reserveCapacity(rows * width)
            for c in chunks where out.count < rows * width { out += c[keyPath: field].prefix(rows * width - out.count) }
            return out
        }
        var infos = [String: Tensor]()
        if first.positionDimension > 0 {
            infos["qpos"] = Tensor(shape: [rows, first.positionDimension], scalars: take(\.qpos, width: first.positionDimension))
            infos["qvel"] = Tensor(shape: [rows, first.velocityDimension], scalars: take(\.qvel, width: first.velocityDimension))
        }
        return try OfflineDataset(
            source: source,
            observations: Tensor(shape: [rows, o], scalars: take(\.observations, width: o)),
            actions: Tensor(shape: [rows, a], scalars: take(\.actions, width: a)),
            rewards: Tensor(take(\.rewards, width: 1)),
            terminals: take(\.terminals, width: 1).map { $0 != 0 },
            timeouts: take(\.timeouts, width: 1).map { $0 != 0 },
            nextObservations: Tensor(shape: [rows, o], scalars: take(\.nextObservations, width: o)),
            infos: infos)
    }
}
