import ArgumentParser
import Foundation
import Testing
import ORLCommandLine

@Suite("orl: argument parsing and validation messages")
struct ArgumentValidationTests {
    /// The message `orl` prints for `arguments`, or `nil` when they parse and validate.
    static func message(_ arguments: [String]) -> String? {
        do {
            _ = try ORL.parseAsRoot(arguments)
            return nil
        } catch {
            return ORL.message(for: error)
        }
    }

    static let algorithms = "mopo, mobile, mbpo, lipschitz-mopo, ravl, morec-mopo, morec-mobile, combo, cql, edac, td3bc, iql, rambo"

    /// Bad argument lists and the exact first line of what `orl` prints for each.
    static let badArguments: [([String], String)] = [
        (["train"], "Missing expected argument '--algo <algo>'"),
        (["train", "--algo", "bcq", "--dataset", "hopper-medium-v2"], "unknown algorithm 'bcq'; known algorithms: \(algorithms)."),
        (["train", "--algo", "mopo", "--dataset", "hoper-medium-v2"],
         "unknown dataset 'hoper-medium-v2'; closest known names: hopper-medium-v2, hopper-medium-orl, ant-medium-v2"),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--preset", "long"],
         "The value 'long' is invalid for '--preset <preset>'. Please provide one of 'paper' and 'short'."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--steps", "0"], "--steps must be positive, got 0."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--horizon", "0"], "--horizon must be positive, got 0."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--evaluation-interval", "0"], "--evaluation-interval must be positive, got 0."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--real-ratio", "2"], "--real-ratio must be in [0, 1], got 2.0."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--penalty=-1"], "--penalty must be finite and ≥ 0, got -1.0."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--penalty", "nan"], "--penalty must be finite and ≥ 0, got nan."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--dynamics", "maybe"],
         "The value 'maybe' is invalid for '--dynamics <dynamics>': unknown dynamics source 'maybe'; use learned, true, interpolate:λ with λ in [0, 1], or none"),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--config", "/nonexistent.json"], "--config /nonexistent.json does not exist."),
        (["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--critic-gradient-penalty", "0"],
         "--critic-gradient-penalty must be positive, got 0.0."),
        (["sac", "--env", "cartpole", "--out", "x"],
         "The value 'cartpole' is invalid for '--env <env>'. Please provide one of 'halfcheetah', 'hopper', 'walker2d' or 'pointmass'."),
        (["sac", "--env", "hopper"], "--out is required: the run directory (logs, checkpoint.h5, final.h5, snapshots/)."),
        (["demo", "--env", "pointmass"], "--env must be hopper, halfcheetah or walker2d, got 'pointmass'."),
        (["bench", "rollout", "--horizon", "0"], "--horizon must be positive, got 0."),
        (["bench", "sac-update", "--rounds", "0"], "--rounds must be positive, got 0."),
        (["bench", "dynamics-step", "--weight-decay", "l2"],
         "The value 'l2' is invalid for '--weight-decay <weight-decay>'. Please provide one of 'loss' and 'decoupled'."),
        (["morec", "learn-reward", "--dataset", "hopper-medium-v2", "--adversarial-steps", "0"], "--adversarial-steps must be positive, got 0."),
        (["evaluate", "--checkpoint", "/nonexistent.h5"], "--checkpoint /nonexistent.h5 does not exist."),
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
    ]

    @Test(arguments: badArguments)
    func badArgumentsGiveTheirMessage(arguments: [String], expected: String) {
        let message = Self.message(arguments)
        #expect(message?.split(separator: "\n").first.map(String.init) == expected, "orl \(arguments.joined(separator: " "))")
    }

    @Test func goodArgumentsParse() {
        #expect(Self.message(["train", "--algo", "MOBILE", "--dataset", "hopper-medium-v2", "--preset", "short", "--dynamics", "interpolate:0.5"]) == nil)
        #expect(Self.message(["train", "--algo", "mopo", "--dataset", "hopper-medium-v2", "--penalty", "0"]) == nil)
        #expect(Self.message(["bench", "dynamics-step", "--weight-decay", "loss"]) == nil)
    }
}
