import Foundation
import Testing
import TestSupport
import PolicyLearning

/// This library against numpy transcriptions of the reference computations
/// (`Tests/Peers/offlinerl_kit.py`: OfflineRL-Kit e3ce697's ensemble `step` with MOPO's penalty
/// inside its rollout, MOBILE's `compute_lcb` and critic target with the deterministic backup on
/// and off, and d4rl's and Kit's q-learning views), run on the weights of a real, briefly fitted
/// ``DynamicsEnsemble`` and SAC agent exported to HDF5 together with every random draw the library
/// made. The draws are recovered by replaying a copy of the library's generator through the same
/// calls in the same order; that the replay ends in the library's generator state shows it drew
/// exactly what the library drew. Agreement is to float32 tolerance (rtol 1e-4), row counts exact.
@Suite("Peer transcriptions: OfflineRL-Kit and d4rl in numpy", .serialized)
struct KitTranscriptionTests {
    static let script = Python.repositoryRoot.appendingPathComponent("Tests/Peers/offlinerl_kit.py")
    static let (o, a) = (3, 2)

    /// A 5-member (3 elites) ensemble fitted for a few epochs on a linear system, so that its
    /// scaler, log-variance bounds and elites are a fit's; `done` when s'₀ > 0.8.
    static func ensemble() throws -> DynamicsEnsemble {
        var rng = RandomGenerator(seed: 31)
        let n = 400
        let s = Tensor.uniform([n, o], low: -1, high: 1, rng: &rng), u = Tensor.uniform([n, a], low: -1, high: 1, rng: &rng)
        let next = Tensor(shape: [n, o]) { p in
            for r in 0..<n { p[r * 3] = 0.9 * s[r, 0] + 0.3 * u[r, 0]; p[r * 3 + 1] = 0.8 * s[r, 1] + 0.3 * u[r, 1]; p[r * 3 + 2] = s[r, 2] - 0.2 * u[r, 0] }
        } + Tensor.normal([n, o], std: 0.05, rng: &rng)
        let rewards = Tensor((0..<n).map { s[$0, 0] - 0.5 * u[$0, 1] * u[$0, 1] })
        var c = DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 5, elites: 3, weightDecays: [2.5e-5, 5e-5, 1e-4])
        c.maxEpochs = 5
        let model = try DynamicsEnsemble(observationDimension: o, actionDimension: a, configuration: c,
                                         termination: TerminationFunction(name: "test", observationDimension: o) { $0[0] > 0.8 }, rng: &rng)
        _ = try model.fit(observations: s, actions: u, nextObservations: next, rewards: rewards, rng: &rng)
        return model
    }

    /// A SAC agent (2 critics of 16×16) after 20 updates on random data, so its target critics
    /// differ from the online ones and its actor is not the initial one.
    static func agent() -> SACAgent {
        var sac = SACConfiguration()
        sac.hiddenSizes = [16, 16]
        sac.batchSize = 32
        sac.initialAlpha = 0.3
        sac.tau = 0.05
        var rng = RandomGenerator(seed: 32)
        let agent = SACAgent(observationDimension: o, actionDimension: a, configuration: sac, rng: &rng)
        var batch = TransitionBatch(batchSize: 32, observationDimension: o, actionDimension: a)
        for _ in 0..<20 {
            batch.observations = Tensor.normal([32, o], rng: &rng)
            batch.actions = Tensor.uniform([32, a], low: -1, high: 1, rng: &rng)
            batch.nextObservations = Tensor.normal([32, o], rng: &rng)
            batch.rewards = Tensor.uniform([32], low: 0, high: 2, rng: &rng)
            batch.terminals = Tensor.zeros([32])
            agent.update(batch, rng: &rng)
        }
        return agent
    }

    static func export(_ module: Module, to group: HDF5Group, at prefix: String) throws {
        for p in module.namedParameters() { try group.write(p.variable.value, at: "\(prefix)/\(p.name)") }
    }

    /// The actor's weights and log σ range, and the ensemble's parameters, under `group`.
    static func exportNetworks(_ group: HDF5Group, ensemble: DynamicsEnsemble, agent: SACAgent) throws {
        try export(ensemble.network, to: group, at: "ensemble")
        try export(agent.actor, to: group, at: "actor")
        let range = agent.actor.logStdRange
        try group.write([range.lowerBound, range.upperBound], at: "log_std_range")
    }

    /// Runs the transcription on `input`, returning the output file's root.
    static func transcribe(_ input: String, in dir: TemporaryDirectory) throws -> HDF5Group {
        let output = dir.path("numpy-\(UUID().uuidString).h5")
        _ = try Python.check(try String(contentsOf: script, encoding: .utf8), arguments: [input, output])
        return try HDF5File(path: output).root
    }

    /// `library` and numpy's `key` agree in shape (the reply holds as many rows as asked) and to float32 tolerance.
    static func expectClose(_ library: Tensor, _ reply: HDF5Group, _ key: String, rtol: Float = 1e-4, atol: Float = 1e-5,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let numpy = try reply.dataset(key).readTensor()
        guard numpy.shape == library.shape else {
            Issue.record("\(key): numpy replied \(numpy.shape), the library has \(library.shape)", sourceLocation: sourceLocation)
            return
        }
        #expect(isClose(library, numpy, rtol: rtol, atol: atol), "\(key): max |Δ| \(maxAbsDifference(library, numpy))",
                sourceLocation: sourceLocation)
    }

    /// `ModelRollout` with MOPO's penalty (λ = 0.6, horizon 3, 40 start states, actions from the
    /// stochastic actor) stores what Kit's `MOPOPolicy.rollout` around `EnsembleDynamics.step`
    /// computes from the same weights and draws: states, actions, penalised rewards, next states,
    /// terminals and which rows continue.
    @Test func mopoRolloutMatchesKitsEnsembleStep() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let model = try Self.ensemble(), agent = Self.agent()
        var setup = RandomGenerator(seed: 33)
        let starts = Tensor.normal([40, Self.o], rng: &setup)
        let penalty = MOPOPenalty(coefficient: 0.6)
        var buffer = ReplayBuffer(capacity: 1000, observationDimension: Self.o, actionDimension: Self.a)
        var rng = RandomGenerator(seed: 34)
        var replay = rng
        let stats = ModelRollout(horizon: 3).run(model: model, startObservations: starts, policy: { s, rng in
            agent.actor.sampleWithLogProb(s, rng: &rng).action
        }, penalty: penalty, into: &buffer, rng: &rng)
        #expect(stats.activeRows[1] > 0 && stats.terminatedRows.reduce(0, +) > 0, "\(stats)")   // rows end and rows continue

        let input = dir.path("input.h5")
        do {
            let file = try HDF5File(path: input, mode: .create)
            let g = try file.root.createGroup("rollout")
            try Self.exportNetworks(g, ensemble: model, agent: agent)
            try g.write(starts, at: "start_observations")
            try g.writeScalar(Int32(3), at: "horizon")
            try g.writeScalar(penalty.coefficient, at: "penalty_coef")
            try g.write([Float(0), 0.8], at: "rule")
            // Each step's draws, in the library's order: the actor's noise, each row's elite, the chosen member's noise.
            for (t, rows) in stats.activeRows.enumerated() where rows > 0 {
                try g.write(Tensor.normal([rows, Self.a], rng: &replay), at: "actor_noise/\(t)")
                try g.write((0..<rows).map { _ in Int32(model.elites[replay.integer(below: model.elites.count)]) }, at: "chosen/\(t)")
                try g.write(Tensor.normal([rows, Self.o + 1], rng: &replay), at: "model_noise/\(t)")
            }
            file.close()
        }
        #expect(replay == rng)
        let reply = try Self.transcribe(input, in: dir).group("rollout")
        let stored = buffer.orderedTransitions()
        #expect(stored.rewards.count == stats.transitionsAdded)
        try Self.expectClose(stored.observations, reply, "observations")
        try Self.expectClose(stored.actions, reply, "actions")
        try Self.expectClose(stored.rewards, reply, "rewards")
        try Self.expectClose(stored.nextObservations, reply, "next_observations")
        try Self.expectClose(stored.terminals, reply, "terminals", rtol: 0, atol: 0)
        let numpyPenalty = Double(try reply.dataset("penalties").readTensor().sum())
        #expect(abs(stats.penaltySum - numpyPenalty) <= 1e-4 * abs(numpyPenalty), "penalty sums \(stats.penaltySum) vs \(numpyPenalty)")
    }

    /// `BellmanInconsistencyPenalty` after `SACAgent.criticTargets` (as `SACAgent.update` calls them)
    /// gives Kit's `compute_lcb` (zeroed on the 4 real rows) and `learn` target, with the
    /// deterministic backup on (Kit's D4RL setting) and off (the entropy term kept).
    @Test(arguments: [true, false])
    func mobileTargetMatchesKitsComputeLCBAndLearn(deterministicBackup: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let model = try Self.ensemble(), agent = Self.agent()
        let (b, real, samples, k) = (12, 4, 3, model.eliteCount)
        var setup = RandomGenerator(seed: 35)
        var batch = TransitionBatch(batchSize: b, observationDimension: Self.o, actionDimension: Self.a)
        batch.observations = Tensor.normal([b, Self.o], rng: &setup)
        batch.actions = Tensor.uniform([b, Self.a], low: -1, high: 1, rng: &setup)
        batch.nextObservations = Tensor.normal([b, Self.o], rng: &setup)
        batch.rewards = Tensor.uniform([b], low: 0, high: 2, rng: &setup)
        batch.terminals = Tensor((0..<b).map { [1, 5, 9].contains($0) ? 1 : 0 })
        let mobile = MOBILEConfiguration(penaltyCoefficient: 0.7, samples: samples, deterministicBackup: deterministicBackup)
        let adjustment = BellmanInconsistencyPenalty(model: model, configuration: mobile)
        adjustment.realRowCount = real

        var rng = RandomGenerator(seed: 36)
        var replay = rng
        var targets = agent.criticTargets(batch, alpha: agent.alpha, rng: &rng)
        var metrics = TrainingMetrics()
        adjustment.adjust(&targets, batch: batch, agent: agent, metrics: &metrics, rng: &rng)
        // The draws, in the library's order: the action at s' of SAC's target; each elite's Gaussian
        // noise at the model rows' candidates; the actor's noise at the candidates; with the
        // deterministic backup, the action at s' of the recomputed target.
        let sacNextNoise = Tensor.normal([b, Self.a], rng: &replay)
        let eliteNoise = Tensor.normal([samples, k, b - real, Self.o + 1], rng: &replay)
        let candidateNoise = Tensor.normal([samples * k * (b - real), Self.a], rng: &replay)
        let nextNoise = deterministicBackup ? Tensor.normal([b, Self.a], rng: &replay) : sacNextNoise
        #expect(replay == rng)

        let input = dir.path("input.h5")
        let name = deterministicBackup ? "mobile_deterministic" : "mobile_stochastic"
        do {
            let file = try HDF5File(path: input, mode: .create)
            let g = try file.root.createGroup(name)
            try Self.exportNetworks(g, ensemble: model, agent: agent)
            try Self.export(agent.targetCritics, to: g, at: "target_critics")
            try g.write(batch.observations, at: "observations")
            try g.write(batch.actions, at: "actions")
            try g.write(batch.nextObservations, at: "next_observations")
            try g.write(batch.rewards, at: "rewards")
            try g.write(batch.terminals, at: "terminals")
            try g.writeScalar(Int32(real), at: "real_rows")
            try g.writeScalar(mobile.penaltyCoefficient, at: "beta")
            try g.writeScalar(agent.configuration.discount, at: "gamma")
            try g.writeScalar(agent.alpha, at: "alpha")
            try g.writeScalar(Int32(deterministicBackup ? 1 : 0), at: "deterministic_backup")
            try g.write(eliteNoise, at: "elite_noise")
            try g.write(candidateNoise, at: "candidate_actor_noise")
            try g.write(nextNoise, at: "next_action_noise")
            file.close()
        }
        let reply = try Self.transcribe(input, in: dir).group(name)
        try Self.expectClose(targets, reply, "target")
        let penalty = try reply.dataset("penalty").readTensor()
        try #require(penalty.shape == [b])
        #expect(penalty.slice(0..<real, axis: 0) == Tensor.zeros([real]))
        let modelPenalty = Double(penalty.slice(real..<b, axis: 0).mean())
        #expect(modelPenalty > 0)
        #expect(abs(metrics["mobile_penalty"]! - modelPenalty) <= 1e-4 * modelPenalty, "mean penalty \(metrics["mobile_penalty"]!) vs numpy \(modelPenalty)")
    }

    /// A D4RL-layout file of episodes 1–12 rows long, a third ending in a terminal and the rest in
    /// a timeout (so that, without the `timeouts` key, d4rl's 7-step counter decides), the file
    /// ending mid-episode; with or without the `timeouts` and `next_observations` keys.
    static func writeEpisodes(to path: String, timeouts: Bool, nextObservations: Bool) throws {
        var rng = RandomGenerator(seed: 37)
        var terminals = [Bool](), ends = [Bool]()
        while terminals.count < 60 {
            let length = 1 + rng.integer(below: 12), terminal = rng.integer(below: 3) == 0
            for j in 0..<length { terminals.append(j == length - 1 && terminal); ends.append(j == length - 1 && !terminal) }
        }
        terminals += [false, false, false]
        ends += [false, false, false]
        let n = terminals.count
        // Written key by key (`D4RLFile.write` always writes `timeouts`), as the old D4RL files lack it.
        let file = try HDF5File(path: path, mode: .create)
        try file.root.write(Tensor.normal([n, 2], rng: &rng), at: "observations")
        try file.root.write(Tensor.uniform([n, 1], low: -1, high: 1, rng: &rng), at: "actions")
        try file.root.write(Tensor.normal([n], rng: &rng), at: "rewards")
        try file.root.write(terminals, at: "terminals")
        if timeouts { try file.root.write(ends, at: "timeouts") }
        if nextObservations { try file.root.write(Tensor.normal([n, 2], rng: &rng), at: "next_observations") }
        file.close()
    }

    /// `qlearningTransitions` is d4rl's `qlearning_dataset` and `dynamicsTransitions` Kit's, row for
    /// row and value for value, with and without `timeouts` (then a 7-step counter decides an
    /// episode's last step), with and without `next_observations`, with and without `terminate_on_end`.
    @Test func qlearningViewsMatchD4RLAndKit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let input = dir.path("input.h5")
        var cases = [(name: String, path: String, kit: Bool, terminateOnEnd: Bool)]()
        do {
            let file = try HDF5File(path: input, mode: .create)
            for (timeouts, next) in [(true, true), (true, false), (false, true), (false, false)] {
                let path = dir.path("episodes-\(timeouts)-\(next).hdf5")
                try Self.writeEpisodes(to: path, timeouts: timeouts, nextObservations: next)
                for kit in [false, true] {
                    for end in [false, true] {
                        let name = "timeouts-\(timeouts)-next-\(next)-\(kit ? "kit" : "d4rl")-end-\(end)"
                        let g = try file.root.createGroup("qlearning/\(name)")
                        try g.write(path, at: "dataset")
                        try g.writeScalar(Int32(end ? 1 : 0), at: "terminate_on_end")
                        try g.writeScalar(Int32(7), at: "max_episode_steps")
                        try g.writeScalar(Int32(kit ? 1 : 0), at: "kit")
                        cases.append((name, path, kit, end))
                    }
                }
            }
            file.close()
        }
        let reply = try Self.transcribe(input, in: dir)
        for c in cases {
            let data = try D4RLFile.load(path: c.path)
            #expect((data.timeouts != nil) == c.name.hasPrefix("timeouts-true") && (data.nextObservations != nil) == c.name.contains("next-true"))
            let view = c.kit ? data.dynamicsTransitions(terminateOnEnd: c.terminateOnEnd, maxEpisodeSteps: 7)
                             : data.qlearningTransitions(terminateOnEnd: c.terminateOnEnd, maxEpisodeSteps: 7)
            let g = try reply.group("qlearning/\(c.name)")
            let rows = try g.dataset("rows").read(Int64.self).map(Int.init)
            #expect(rows == view.sourceRows, "\(c.name): rows")
            #expect(!rows.isEmpty, "\(c.name)")
            if !c.terminateOnEnd { #expect(rows.count < data.count - 1, "\(c.name): every episode's last step is dropped") }
            for (key, tensor) in [("observations", view.observations), ("actions", view.actions), ("rewards", view.rewards),
                                  ("next_observations", view.nextObservations), ("terminals", view.terminals)] {
                try Self.expectClose(tensor, g, key, rtol: 0, atol: 0)
            }
        }
    }
}
