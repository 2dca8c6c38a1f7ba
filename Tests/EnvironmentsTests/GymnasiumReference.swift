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
        var versions: [String]
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
    return bool(env.is_healthy)
res = {"single": [run(c) for c in req["single"]],
       "trajectory": run(req["trajectory"]) if req.get("trajectory") else None,
       "health": [healthy(c) for c in req["health"]],
       "versions": [gym.__version__, mujoco.__version__]}
print(json.dumps(res))
"""#

    /// Sends `request` to Gymnasium through a temporary file (the JSON can be long).
    static func run(_ request: Request) throws -> Response {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path("request.json")
        try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: path))
        let wrapped = "import sys; sys.stdin = open(sys.argv[1])\n" + script
        let output = try Python.check(wrapped, arguments: [path])
        return try JSONDecoder().decode(Response.self, from: Data(output.utf8))
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
