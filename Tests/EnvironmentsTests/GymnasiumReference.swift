import Foundation
import Testing
import TestSupport
import Environments

/// Runs Gymnasium's v4 and v5 environments (PyPI `gymnasium` + `mujoco`, from `scripts/setup --test`) on
/// states and actions chosen by a test, and returns what they report.
enum GymnasiumReference {
    struct Request: Encodable {
        var env: String
        /// Independent one-step cases: reset, set_state(qpos, qvel), step(action).
        var single: [Case] = []
        /// One trajectory: reset, set_state(qpos, qvel), then step every action.
        var trajectory: Case?
        /// States whose `is_healthy` is queried after reset + set_state.
        var health: [Case] = []
    }

    struct Case: Encodable {
        var qpos: [Double]
        var qvel: [Double]
        var actions: [[Double]] = []
    }

    struct StepRecord: Decodable {
        var obs: [[Double]]
        var reward: [Double]
        var terminated: [Bool]
        var truncated: [Bool]
    }

    struct Response: Decodable {
        var single: [StepRecord]
        var trajectory: StepRecord?
        var health: [Bool]
        /// The observation at each health probe's state (`_get_obs()`).
        var healthObservations: [[Double]]
        var versions: [String]

        /// Whether the reply holds an answer for everything asked, each observation `width`
        /// wide; otherwise why not (a short reply must fail a test, not shorten a `zip`).
        func shortfall(for request: Request, observationWidth width: Int) -> String? {
            func check(_ record: StepRecord, _ asked: Case, _ name: String) -> String? {
                let n = asked.actions.count
                guard record.obs.count == n, record.reward.count == n, record.terminated.count == n, record.truncated.count == n else {
                    return "\(name): \(record.obs.count) observations, \(record.reward.count) rewards, \(record.terminated.count) and \(record.truncated.count) flags for \(n) actions"
                }
                if let row = record.obs.firstIndex(where: { $0.count != width }) {
                    return "\(name): observation \(row) has \(record.obs[row].count) entries, expected \(width)"
                }
                return nil
            }
            guard single.count == request.single.count else { return "\(single.count) one-step records for \(request.single.count) cases" }
            for (i, (record, asked)) in zip(single, request.single).enumerated() {
                if let problem = check(record, asked, "case \(i)") { return problem }
            }
            switch (trajectory, request.trajectory) {
            case (nil, nil): break
            case let (record?, asked?): if let problem = check(record, asked, "trajectory") { return problem }
            default: return "trajectory asked: \(request.trajectory != nil), answered: \(trajectory != nil)"
            }
            guard health.count == request.health.count, healthObservations.count == request.health.count else {
                return "\(health.count) health answers and \(healthObservations.count) observations for \(request.health.count) probes"
            }
            if let row = healthObservations.firstIndex(where: { $0.count != width }) {
                return "health probe \(row)'s observation has \(healthObservations[row].count) entries, expected \(width)"
            }
            return nil
        }
    }

    /// A reply with fewer answers than asked.
    struct ShortReply: Error, CustomStringConvertible {
        var description: String
    }

    static let script = #"""
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, gymnasium as gym, mujoco
req = json.loads(sys.stdin.read())
env = gym.make(req["env"]).unwrapped
def run(case):
    env.reset(seed=0)
    env.set_state(np.array(case["qpos"]), np.array(case["qvel"]))
    out = {"obs": [], "reward": [], "terminated": [], "truncated": []}
    for a in case["actions"]:
        o, r, term, trunc, _ = env.step(np.array(a, dtype=np.float64))
        out["obs"].append([float(x) for x in o]); out["reward"].append(float(r))
        out["terminated"].append(bool(term)); out["truncated"].append(bool(trunc))
    return out
def healthy(case):
    env.reset(seed=0)
    env.set_state(np.array(case["qpos"]), np.array(case["qvel"]))
    return bool(env.is_healthy), [float(x) for x in env._get_obs()]
probes = [healthy(c) for c in req["health"]]
res = {"single": [run(c) for c in req["single"]],
       "trajectory": run(req["trajectory"]) if req.get("trajectory") else None,
       "health": [h for h, _ in probes], "healthObservations": [o for _, o in probes],
       "versions": [gym.__version__, mujoco.__version__]}
print(json.dumps(res))
"""#

    /// Sends `request` to Gymnasium through a temporary file (the JSON can be long).
    /// - Throws: ``ShortReply`` when the reply answers less than was asked (see ``Response/shortfall(for:observationWidth:)``).
    static func run(_ request: Request, observationWidth: Int) throws -> Response {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path("request.json")
        try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: path))
        let wrapped = "import sys; sys.stdin = open(sys.argv[1])\n" + script
        let output = try Python.check(wrapped, arguments: [path])
        let response = try JSONDecoder().decode(Response.self, from: Data(output.utf8))
        if let problem = response.shortfall(for: request, observationWidth: observationWidth) { throw ShortReply(description: problem) }
        return response
    }
}

/// The MuJoCo environments by name, for parameterized tests: D4RL's v4 semantics and Minari's v5.
enum MuJoCoTask: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case halfCheetah = "halfcheetah", hopper, walker2d
    case halfCheetahV5 = "halfcheetah-v5", hopperV5 = "hopper-v5", walker2dV5 = "walker2d-v5"

    var testDescription: String { rawValue }

    var gymnasiumID: String {
        switch self {
        case .halfCheetah: "HalfCheetah-v4"
        case .hopper: "Hopper-v4"
        case .walker2d: "Walker2d-v4"
        case .halfCheetahV5: "HalfCheetah-v5"
        case .hopperV5: "Hopper-v5"
        case .walker2dV5: "Walker2d-v5"
        }
    }

    /// HalfCheetah in either version (it never terminates and its velocities are not clipped).
    var isHalfCheetah: Bool { self == .halfCheetah || self == .halfCheetahV5 }

    func make() throws -> any MuJoCoEnvironment { try makeMuJoCoEnvironment(named: rawValue) }
}

/// A random but plausible state near the model's reference pose: positions qpos0 + U(±0.1)
/// (root z kept healthy), velocities U(±velocityScale).
func randomState(_ env: some MuJoCoEnvironment, rng: inout RandomGenerator, velocityScale: Double = 1)
    -> (qpos: [Double], qvel: [Double]) {
    var qpos = env.simulator.initialPositions
    for i in qpos.indices { qpos[i] += Double(rng.uniform(-0.1, 0.1)) }
    let qvel = (0..<env.simulator.velocityCount).map { _ in Double(rng.uniform(-1, 1)) * velocityScale }
    return (qpos, qvel)
}

/// A random in-range action, exactly representable in Float32 and Float64 alike.
func randomAction(_ count: Int, rng: inout RandomGenerator) -> [Float] {
    (0..<count).map { _ in rng.uniform(-1, 1) }
}
