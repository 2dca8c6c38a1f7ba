import Foundation
import Testing
import TestSupport
import RAVL

@Suite("Learned, true and interpolated dynamics (Sims et al. 2024, Fig. 1)", .serialized)
struct DynamicsSourceTests {
    @Test func parsesAndRoundTrips() throws {
        #expect(try DynamicsSource(parsing: "learned") == .learned)
        #expect(try DynamicsSource(parsing: "TRUE") == .trueDynamics)
        #expect(try DynamicsSource(parsing: "interpolate:0.25") == .interpolated(0.25))
        for bad in ["interpolate:1.5", "interpolate:", "interpolate:-0.1", "simulator"] {
            #expect(throws: OfflineTrainingError.self) { _ = try DynamicsSource(parsing: bad) }
        }
        let encoded = try JSONEncoder().encode([DynamicsSource.interpolated(0.5), .trueDynamics])
        #expect(try JSONDecoder().decode([DynamicsSource].self, from: encoded) == [.interpolated(0.5), .trueDynamics])
    }

    /// On hopper: λ = 0 is the learned ensemble's step (same draws), λ = 1 the simulator's next
    /// states and rewards, λ = ½ their midpoint; `done` follows hopper's rule on the blend.
    @Test func interpolationEndpointsAreTheModels() throws {
        var rng = RandomGenerator(seed: 4)
        let termination = try TerminationFunction.named("hopper")
        let ensemble = try DynamicsEnsemble(observationDimension: 11, actionDimension: 3,
                                            configuration: DynamicsEnsembleConfiguration(hiddenSizes: [16, 16], members: 3, elites: 2,
                                                                                         weightDecays: [0, 0, 0]),
                                            termination: termination, rng: &rng)
        let oracle = try TrueDynamics(named: "hopper")
        var env = try makeEnvironment(named: "hopper")
        var rows = [Float]()
        for seed in 0..<6 { rows += env.reset(seed: UInt64(seed)) }
        let states = Tensor(shape: [6, 11], scalars: rows)
        let actions = Tensor.uniform([6, 3], low: -1, high: 1, rng: &rng)

        var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
        let learned = ensemble.step(states, actions, memberStatistics: true, rng: &a)
        let zero = InterpolatedDynamics(learned: ensemble, oracle: oracle, lambda: 0, termination: termination)
            .step(states, actions, memberStatistics: true, rng: &b)
        #expect(zero.nextObservations == learned.nextObservations && zero.rewards == learned.rewards)
        #expect(zero.terminals == learned.terminals && zero.memberMeans! == learned.memberMeans!)

        var unused = RandomGenerator(seed: 0)
        let truth = oracle.step(states, actions, memberStatistics: false, rng: &unused)
        var c = RandomGenerator(seed: 8)
        let one = InterpolatedDynamics(learned: ensemble, oracle: oracle, lambda: 1, termination: termination)
            .step(states, actions, memberStatistics: false, rng: &c)
        #expect(one.nextObservations == truth.nextObservations && one.rewards == truth.rewards)
        #expect(one.terminals == truth.terminals)
        #expect(one.terminals.scalars == termination(truth.nextObservations).map { $0 ? Float(1) : 0 })

        var d = RandomGenerator(seed: 8)
        let half = InterpolatedDynamics(learned: ensemble, oracle: oracle, lambda: 0.5, termination: termination)
            .step(states, actions, memberStatistics: false, rng: &d)
        #expect(isClose(half.nextObservations, (learned.nextObservations + truth.nextObservations) * 0.5, rtol: 1e-6, atol: 1e-6))
    }

    /// End to end on a small hopper dataset: `true` fits no model and stores the simulator's
    /// transitions; MOPO's penalty vanishes there; `interpolate:0` trains bit-identically to
    /// `learned`; `interpolate:1` stores the simulator's transitions.
    @Test func trainerUsesTheChosenDynamics() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("hopper.hdf5")
        try OfflineFixtures.writeRandomDataset(environment: "hopper", to: data, episodes: 12, steps: 40)
        var config = RAVLFixtures.tinyConfiguration(dataset: data, steps: 100)
        config.maxEpisodeSteps = 10
        let oracle = try TrueDynamics(named: "hopper")
        func storesSimulatorTransitions(_ trainer: OfflineTrainer) -> Bool {
            let t = trainer.modelBuffer.orderedTransitions()
            var unused = RandomGenerator(seed: 0)
            let truth = oracle.step(t.observations, t.actions, memberStatistics: false, rng: &unused)
            return truth.nextObservations == t.nextObservations && truth.rewards == t.rewards
        }

        var trueConfig = config
        trueConfig.dynamicsSource = .trueDynamics
        let exact = try OfflineTrainer(configuration: trueConfig, directory: dir.url.appendingPathComponent("true"), resume: false)
        #expect(exact.learnedModel == nil && exact.dynamicsFit == nil && exact.model is TrueDynamics)
        try exact.run()
        #expect(exact.modelBuffer.count > 0 && storesSimulatorTransitions(exact))

        var mopo = trueConfig
        mopo.algorithm = "mopo"
        mopo.rolloutHorizon = 3
        mopo.plugIns = ["mopo": MOPOConfiguration(penaltyCoefficient: 5).settingsTree]
        let mopoTrue = try OfflineTrainer(configuration: mopo, directory: dir.url.appendingPathComponent("mopo-true"), resume: false)
        try mopoTrue.run()
        #expect(mopoTrue.lastRollout?.meanPenalty == 0)

        let cache = dir.path("cache/not-yet-made/dynamics.h5")      // its folder is created after the fit
        let learned = try OfflineTrainer(configuration: config, directory: dir.url.appendingPathComponent("learned"), resume: false,
                                         dynamicsCache: cache)
        try learned.run()
        var zeroConfig = config
        zeroConfig.dynamicsSource = .interpolated(0)
        let zero = try OfflineTrainer(configuration: zeroConfig, directory: dir.url.appendingPathComponent("lambda0"), resume: false,
                                      dynamicsCache: cache)
        #expect(zero.model is InterpolatedDynamics && zero.dynamicsFit == nil)
        try zero.run()
        #expect(zero.modelBuffer.orderedTransitions().nextObservations == learned.modelBuffer.orderedTransitions().nextObservations)
        #expect(zero.agent.critics.parameterValues() == learned.agent.critics.parameterValues())
        #expect(zero.agent.actor.parameterValues() == learned.agent.actor.parameterValues())

        var oneConfig = config
        oneConfig.dynamicsSource = .interpolated(1)
        let one = try OfflineTrainer(configuration: oneConfig, directory: dir.url.appendingPathComponent("lambda1"), resume: false,
                                     dynamicsCache: cache)
        try one.run()
        #expect(storesSimulatorTransitions(one))
        #expect(!storesSimulatorTransitions(learned))
    }
}
