import Foundation
import Testing
import TestSupport
import PolicyLearning

/// A small slice of the side-by-side comparison with OfflineRL-Kit (issue 28) that runs without
/// Kit: numbers Kit's own code (commit e3ce697) computed on a committed tiny dataset, written as
/// JSON by `Experiments/peer-offlinerl-kit/make_fixtures.py` into `Tests/Fixtures/offlinerl-kit/`
/// (`tiny-d4rl.json`, written to a D4RL-layout file and loaded by the D4RL loader here, and
/// `kit-reference.json`; every float32 read back exactly), against
/// this library's q-learning view, ensemble outputs, MOPO penalty, hopper termination, MOBILE
/// penalty and MOBILE critic target.
///
/// Kit's random draws (next-state noise, elite choice, actions) cannot be injected into this
/// library's samplers through the public API, so the stochastic steps are compared through what is
/// computed from Kit's draws: MOBILE's penalty from the per-sample target values Kit reduced, and
/// the target from Kit's next-state values.
@Suite("OfflineRL-Kit fixtures: q-learning view, MOPO penalty, MOBILE target")
struct OfflineRLKitFixtureTests {
    static let directory = Python.repositoryRoot.appendingPathComponent("Tests/Fixtures/offlinerl-kit")

    /// The named arrays of a fixture file: `{"arrays": {key: {"dtype", "shape", "values"}}}`.
    struct Arrays {
        let arrays: [String: (shape: [Int], values: [Double])]

        init(_ name: String) throws {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let entries = try #require(root["arrays"] as? [String: [String: Any]])
            var arrays: [String: (shape: [Int], values: [Double])] = [:]
            for (key, entry) in entries {
                let shape = try #require(entry["shape"] as? [Int], "\(name): \(key) has no shape")
                let values = try #require(entry["values"] as? [NSNumber], "\(name): \(key) has no values").map(\.doubleValue)
                #expect(values.count == shape.reduce(1, *), "\(name): \(key) holds \(values.count) values for shape \(shape)")
                arrays[key] = (shape, values)
            }
            self.arrays = arrays
        }

        func entry(_ key: String) throws -> (shape: [Int], values: [Double]) {
            try #require(arrays[key], "no array '\(key)' in the fixture")
        }

        /// A float32 array (each value was written as a decimal that reads back to the same float32).
        func tensor(_ key: String) throws -> Tensor {
            let (shape, values) = try entry(key)
            return Tensor(shape: TensorShape(shape), scalars: values.map(Float.init))
        }

        func flags(_ key: String) throws -> [Bool] { try entry(key).values.map { $0 != 0 } }
        func integers(_ key: String) throws -> [Int] { try entry(key).values.map { Int($0) } }
        func scalar(_ key: String) throws -> Float { Float(try #require(try entry(key).values.first)) }
    }

    static func reference() throws -> Arrays { try Arrays("kit-reference.json") }

    static func tensor(_ arrays: Arrays, _ key: String) throws -> Tensor { try arrays.tensor(key) }

    /// The tiny dataset, written to a D4RL-layout file in `directory` and loaded from it.
    static func tinyDataset(in directory: TemporaryDirectory) throws -> OfflineDataset {
        let fixture = try Arrays("tiny-d4rl.json")
        let dataset = try OfflineDataset(source: "tiny-d4rl.json", observations: fixture.tensor("observations"),
                                         actions: fixture.tensor("actions"), rewards: fixture.tensor("rewards"),
                                         terminals: fixture.flags("terminals"), timeouts: fixture.flags("timeouts"),
                                         nextObservations: fixture.tensor("next_observations"))
        let path = directory.path("tiny-d4rl.hdf5")
        try D4RLFile.write(dataset, to: path)
        return try D4RLFile.load(path: path)
    }

    @Test("q-learning view: Kit's qlearning_dataset rows, next observations and terminals")
    func qlearningView() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = try Self.tinyDataset(in: dir)
        let ref = try Self.reference()
        let kitObservations = try Self.tensor(ref, "qlearning/observations")
        let kitNext = try Self.tensor(ref, "qlearning/next_observations")
        let kitTerminals = try Self.tensor(ref, "qlearning/terminals")
        #expect(data.count == 300)
        #expect(kitObservations.shape[0] == 297)   // 2 timeout rows and the file's last row dropped

        // Kit's qlearning_dataset is this library's dynamics view, value for value.
        let dynamics = data.dynamicsTransitions()
        #expect(dynamics.observations == kitObservations)
        #expect(dynamics.actions == (try Self.tensor(ref, "qlearning/actions")))
        #expect(dynamics.rewards == (try Self.tensor(ref, "qlearning/rewards")))
        #expect(dynamics.nextObservations == kitNext)
        #expect(dynamics.terminals == kitTerminals)

        // The view the real buffer holds (d4rl's): the same rows; s' = observations[i+1], which
        // differs from Kit's stored next observation only on terminal rows, where (1 − d) masks it.
        let q = data.qlearningTransitions()
        #expect(q.sourceRows == dynamics.sourceRows)
        #expect(q.observations == kitObservations)
        #expect(q.terminals == kitTerminals)
        let o = kitNext.shape[1]
        var differing = 0
        for i in 0..<q.count {
            let same = (0..<o).allSatisfy { q.nextObservations[i, $0] == kitNext[i, $0] }
            if !same { differing += 1; #expect(kitTerminals[i] == 1, "row \(i): s' differs on a non-terminal row") }
        }
        #expect(differing == Int(kitTerminals.sum()))
    }

    /// A library ensemble holding Kit's fixture weights, scaler, bounds and elites.
    static func kitEnsemble(_ ref: Arrays) throws -> DynamicsEnsemble {
        let hidden = try ref.integers("mopo/hidden_sizes")
        let configuration = DynamicsEnsembleConfiguration(hiddenSizes: hidden, members: 7, elites: 5,
                                                          weightDecays: [2.5e-5, 5e-5, 1e-4])
        var rng = RandomGenerator(seed: 0)
        let model = try DynamicsEnsemble(observationDimension: 11, actionDimension: 3, configuration: configuration,
                                         termination: .hopper, rng: &rng)
        var values: [String: Tensor] = [
            "maxLogVariance": try tensor(ref, "mopo/max_logvar"),
            "minLogVariance": try tensor(ref, "mopo/min_logvar"),
            "inputMean": try tensor(ref, "mopo/scaler_mu"),
            "inputStd": try tensor(ref, "mopo/scaler_std"),
            "elites": try tensor(ref, "mopo/elites"),
        ]
        for l in 0...hidden.count {
            values["network.layers.\(l).weight"] = try tensor(ref, "mopo/layer_\(l)_weight")
            values["network.layers.\(l).bias"] = try tensor(ref, "mopo/layer_\(l)_bias")
        }
        model.network.update(parameters: values)
        return model
    }

    @Test("MOPO: member means and σ of [s', r] and the penalty max_e ‖σ_e‖ equal Kit's EnsembleDynamics.step")
    func mopoPenalty() throws {
        let ref = try Self.reference()
        let model = try Self.kitEnsemble(ref)
        #expect(model.elites == [5, 1, 3, 6, 0])
        var rng = RandomGenerator(seed: 1)
        let step = model.step(try Self.tensor(ref, "mopo/observations"), try Self.tensor(ref, "mopo/actions"),
                              memberStatistics: true, rng: &rng)
        let means = try Self.tensor(ref, "mopo/member_means"), stds = try Self.tensor(ref, "mopo/member_stds")
        #expect(isClose(step.memberMeans!, means, rtol: 1e-4, atol: 1e-5), "max |Δ| \(maxAbsDifference(step.memberMeans!, means))")
        #expect(isClose(step.memberStandardDeviations!, stds, rtol: 1e-4, atol: 1e-6),
                "max |Δ| \(maxAbsDifference(step.memberStandardDeviations!, stds))")
        let coefficient = try ref.scalar("mopo/coefficient")
        let mopo = MOPOPenalty(coefficient: coefficient)
        let kitPenalty = try Self.tensor(ref, "mopo/penalty")
        let penalty = mopo.penalty(for: step)
        #expect(isClose(penalty, kitPenalty, rtol: 1e-4, atol: 1e-5), "max |Δ| \(maxAbsDifference(penalty, kitPenalty))")
        // Kit's penalised reward is r − λ·u with the same λ.
        let raw = try Self.tensor(ref, "mopo/raw_rewards"), penalised = try Self.tensor(ref, "mopo/penalized_rewards")
        #expect(isClose(raw - mopo.coefficient * penalty, penalised, rtol: 1e-4, atol: 1e-5))
    }

    @Test("hopper termination equals Kit's termination_fn_hopper")
    func hopperTermination() throws {
        let ref = try Self.reference()
        let next = try Self.tensor(ref, "termination/next_observations")
        let kit = try Self.tensor(ref, "termination/terminals").scalars.map { $0 == 1 }
        #expect(TerminationFunction.hopper(next) == kit)
        #expect(kit.contains(true) && kit.contains(false))
    }

    @Test("MOBILE: penalty std_k(mean_n Q̄) and the deterministic-backup target equal Kit's compute_lcb and learn")
    func mobileTarget() throws {
        let ref = try Self.reference()
        let samples = try Self.tensor(ref, "mobile/next_q_samples")                 // [N, K, B]
        #expect(samples.shape == [10, 5, 32])
        let kitPenalty = try Self.tensor(ref, "mobile/penalty_before_real_rows")
        let u = BellmanInconsistencyPenalty.penalty(minimumTargetValues: samples)
        #expect(isClose(u, kitPenalty, rtol: 1e-4, atol: 1e-6), "max |Δ| \(maxAbsDifference(u, kitPenalty))")

        // The target as BellmanInconsistencyPenalty.adjust builds it: u = 0 on the leading real rows,
        // y = clamp(r + γ(1 − d)·min_j Q̄_j(s', a') − β·u, min: 0).
        let real = try #require(try ref.integers("mobile/real_rows").first)
        let b = u.shape[0]
        let masked = Tensor.concatenate([Tensor.zeros([real]), u.slice(real..<b, axis: 0)])
        #expect(isClose(masked, try Self.tensor(ref, "mobile/penalty"), rtol: 1e-4, atol: 1e-6))
        let beta = try ref.scalar("mobile/beta")
        let gamma = try ref.scalar("mobile/gamma")
        let rewards = try Self.tensor(ref, "mobile/rewards"), terminals = try Self.tensor(ref, "mobile/terminals")
        let nextQ = try Self.tensor(ref, "mobile/next_q")
        var target = rewards + gamma * (1 - terminals) * nextQ
        target.addScaled(masked, alpha: -beta)
        target = target.clamped(min: 0, max: .infinity)
        let kitTarget = try Self.tensor(ref, "mobile/target")
        #expect(isClose(target, kitTarget, rtol: 1e-5, atol: 1e-6), "max |Δ| \(maxAbsDifference(target, kitTarget))")
        #expect(terminals.sum() > 0 && (0..<real).allSatisfy { masked[$0] == 0 })
    }
}
