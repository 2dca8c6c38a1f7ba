import Foundation
import Testing
import TestSupport
import Environments

@Suite("TimeLimit, PointMass, registry and assets")
struct TaskTests {
    @Test("TimeLimit truncates exactly at the limit and restarts on reset")
    func timeLimit() {
        var env = TimeLimit(PointMass(), maxEpisodeSteps: 5)
        var obs = env.reset(seed: 0)
        for t in 1...5 {
            let outcome = env.step([0, 0], into: &obs)
            #expect(outcome.truncated == (t == 5), "step \(t)")
            #expect(!outcome.terminated)
        }
        env.reset(seed: 1, into: &obs)
        #expect(env.elapsedSteps == 0)
        #expect(!env.step([0, 0], into: &obs).truncated)
    }

    @Test("PointMass: the greedy policy attains the known optimum and beats perturbed policies")
    func pointMassOptimum() {
        var env = PointMass(dimension: 3)
        var rng = RandomGenerator(seed: 7)
        for episode in 0..<5 {
            let start = env.reset(seed: UInt64(episode))
            #expect(start.allSatisfy { (-1..<1).contains($0) })
            let optimum = env.optimalReturn(from: start, steps: 30, discount: 0.99)
            var obs = start, total = 0.0, weight = 1.0
            for _ in 0..<30 {
                total += weight * env.step(env.optimalAction(for: obs), into: &obs).reward
                weight *= 0.99
            }
            #expect(abs(total - optimum) < 1e-9)
            // Any perturbation of the optimal actions does no better.
            var perturbed = PointMass(dimension: 3)
            var pObs = perturbed.reset(seed: UInt64(episode))
            var pTotal = 0.0
            weight = 1
            for _ in 0..<30 {
                let action = perturbed.optimalAction(for: pObs).map { $0 + rng.uniform(-0.5, 0.5) }
                pTotal += weight * perturbed.step(action, into: &pObs).reward
                weight *= 0.99
            }
            #expect(pTotal <= optimum + 1e-9)
            #expect(optimum < 0)
        }
    }

    @Test("PointMass dynamics and reward follow the documented formula")
    func pointMassStep() {
        var env = PointMass(dimension: 2, stepSize: 0.1)
        var obs = [Float](repeating: 0, count: 2)
        env.setPosition([0.5, -0.2], observation: &obs)
        let outcome = env.step([2, 0.5], into: &obs)           // the first action clips to 1
        #expect(isClose(obs[0], 0.6) && isClose(obs[1], -0.15))
        #expect(abs(outcome.reward + (0.6 * 0.6 + 0.15 * 0.15).squareRoot()) < 1e-6)
    }

    @Test("makeEnvironment knows the tasks, accepts D4RL names, and lists names on error")
    func registry() throws {
        var env = try makeEnvironment(named: "hopper-medium-v2")
        #expect(env.observationSpec.dimension == 11 && env.actionSpec.dimension == 3)
        let obs = env.reset(seed: 0)
        #expect(obs.count == 11)
        #expect(try makeEnvironment(named: "HalfCheetah").observationSpec.dimension == 17)
        #expect(try makeEnvironment(named: "walker2d").actionSpec == BoxSpec(dimension: 6, low: -1, high: 1))
        #expect(try makeEnvironment(named: "pointmass").observationSpec.dimension == 2)
        let error = #expect(throws: EnvironmentError.self) { try makeEnvironment(named: "humanoid") }
        #expect(error?.description.contains("halfcheetah, hopper, walker2d, pointmass") == true)
    }

    @Test("A missing model file names the path searched and the set-up command")
    func missingAsset() throws {
        let locator = AssetLocator(directory: URL(fileURLWithPath: "/nonexistent/orl-assets"))
        let error = #expect(throws: EnvironmentError.self) { try Hopper(assets: locator) }
        let message = error?.description ?? ""
        #expect(message.contains("/nonexistent/orl-assets/hopper.xml"))
        #expect(message.contains("scripts/setup"))
        #expect(message.contains("ORL_MUJOCO_ASSETS"))
    }

    @Test("The asset folder follows ORL_MUJOCO_ASSETS, then XDG_CACHE_HOME, then ~/.cache")
    func assetRule() {
        #expect(AssetLocator.standard(environment: ["ORL_MUJOCO_ASSETS": "/a", "XDG_CACHE_HOME": "/b"]).directory.path == "/a")
        #expect(AssetLocator.standard(environment: ["XDG_CACHE_HOME": "/b", "HOME": "/h"]).directory.path
                == "/b/swift-offline-rl/mujoco-assets")
        #expect(AssetLocator.standard(environment: ["HOME": "/h"]).directory.path == "/h/.cache/swift-offline-rl/mujoco-assets")
    }

    @Test("A file that is not a model gives a load error naming it")
    func badModel() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try "<mujoco><worldbody><bad".write(toFile: directory.path("hopper.xml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: EnvironmentError.self) { try Hopper(assets: AssetLocator(directory: directory.url)) }
        #expect(error?.description.contains(directory.path("hopper.xml")) == true)
    }
}
