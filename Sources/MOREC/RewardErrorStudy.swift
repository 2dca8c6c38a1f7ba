import Foundation

/// `orl morec diagnose` as a library call: roll a dynamics ensemble with MOREC's filter from
/// dataset states, step the real simulator from every (s, a), and relate the dynamics reward to
/// the true one-step error (``RewardErrorDiagnosis``). Writes `summary.json` and `candidates.csv`
/// (t, mae, reward, chosen) to ``directory``, and `dynamics.h5` when it fits the model itself.
public struct RewardErrorStudy {
    /// A registered MuJoCo dataset name or a D4RL-layout path.
    public var dataset: String
    /// The `reward.h5` of `orl morec learn-reward`.
    public var rewardPath: String
    /// The output directory.
    public var directory: URL
    /// A fitted `dynamics.h5` to load; `nil` fits one here on a random subset.
    public var dynamicsPath: String?
    /// Epoch cap and rows of the fit done here.
    public var fitEpochs = 5, fitRows = 200_000
    /// An `orl train` agent to act; `nil` for uniform random actions.
    public var agentPath: String?
    /// Take the dataset's actions at the first step (then the policy's).
    public var dataActions = false
    /// Rollout start states and horizon.
    public var startStates = 200, horizon = 20
    /// `argmax` or `softmax`.
    public var selection = "argmax"
    /// Seed of the start states, the fit and the rollouts.
    public var seed: UInt64 = 1

    /// A study of `dataset` with the reward at `rewardPath`, written to `directory`.
    public init(dataset: String, rewardPath: String, directory: URL) {
        self.dataset = dataset
        self.rewardPath = rewardPath
        self.directory = directory
    }

    /// What the study measured, and which policy acted.
    public struct Result {
        /// The correlations, errors and rates.
        public var summary: RewardErrorDiagnosis.Summary
        /// The policy's description.
        public var policyName: String
    }

    /// Runs the study.
    /// - Throws: ``MORECError`` for a reward of other widths or bad settings; dataset, model and HDF5 errors.
    public func run(report: @escaping (String) -> Void) throws -> Result {
        let resolved = try ResolvedDataset(dataset)
        let data = resolved.dataset, environment = resolved.environment
        let oracle = try TrueDynamics(named: environment)
        let rewardModel = try DynamicsRewardEnsemble.load(from: rewardPath)
        let o = data.observationDimension, a = data.actionDimension
        guard rewardModel.observationDimension == o, rewardModel.actionDimension == a else {
            throw MORECError.fileMismatch(file: rewardPath, reason: "it is for \(rewardModel.observationDimension)/\(rewardModel.actionDimension) widths, \(dataset) has \(o)/\(a)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: seed)
        let model = try loadOrFitModel(data: data, environment: environment, rng: &rng, report: report)
        let buffer = ReplayBuffer(data.qlearningTransitions())
        var starts = TransitionBatch(batchSize: startStates, observationDimension: o, actionDimension: a)
        buffer.sample(into: &starts, rng: &rng)
        let (policyName, policy) = try makePolicy(firstActions: starts.actions, actionDimension: a)
        var settings = MORECSettings(rewardPath: rewardPath)
        settings.selection = selection
        let filter = RewardConsistentFilter(reward: rewardModel, selection: try settings.candidateSelection(),
                                            termination: try TerminationFunction.named(environment))
        let (summary, records) = RewardErrorDiagnosis.run(model: model, oracle: oracle, filter: filter, startObservations: starts.observations,
                                                          horizon: horizon, policyName: policyName, policy: policy, rng: &rng)
        try AtomicFile.write(try DynamicsRewardRun.prettyJSON(summary), to: directory.appendingPathComponent("summary.json").path)
        var csv = "t,mae,reward,chosen\n"
        for r in records { csv += "\(r.t),\(r.error),\(r.reward),\(r.chosen ? 1 : 0)\n" }
        try AtomicFile.write(Data(csv.utf8), to: directory.appendingPathComponent("candidates.csv").path)
        return Result(summary: summary, policyName: policyName)
    }

    /// The ensemble from ``dynamicsPath``, or one fitted on ``fitRows`` random rows for at most ``fitEpochs``.
    private func loadOrFitModel(data: OfflineDataset, environment: String, rng: inout RandomGenerator,
                                report: @escaping (String) -> Void) throws -> DynamicsEnsemble {
        let o = data.observationDimension, a = data.actionDimension
        var modelRNG = rng.split()
        let termination = try TerminationFunction.named(environment)
        let model = try DynamicsEnsemble(observationDimension: o, actionDimension: a, termination: termination, rng: &modelRNG)
        if let dynamicsPath {
            try model.load(from: dynamicsPath)
            return model
        }
        var configuration = model.configuration
        configuration.maxEpochs = fitEpochs
        let fitted = try DynamicsEnsemble(observationDimension: o, actionDimension: a, configuration: configuration,
                                          termination: termination, rng: &modelRNG)
        var transitions = data.dynamicsTransitions()
        if transitions.count > fitRows {
            let rows = Array(modelRNG.permutation(transitions.count).prefix(fitRows))
            transitions = Transitions(observations: transitions.observations.gather(rows), actions: transitions.actions.gather(rows),
                                      rewards: transitions.rewards.gather(rows), nextObservations: transitions.nextObservations.gather(rows),
                                      terminals: transitions.terminals.gather(rows))
        }
        report("fitting the dynamics ensemble on \(transitions.count) transitions, at most \(fitEpochs) epochs")
        try BLASRuntime.withThreads(1) {
            _ = try fitted.fit(transitions, rng: &modelRNG, progress: { report(String(format: "dynamics epoch %d  holdout mse %.5f", $0.epoch, $0.holdoutLoss)) })
        }
        let file = directory.appendingPathComponent("dynamics.h5").path
        try AtomicFile.produce(file) { try fitted.save(to: $0) }
        try model.load(from: file)
        return model
    }

    /// The acting policy and its description.
    private func makePolicy(firstActions: Tensor, actionDimension a: Int) throws -> (String, (Tensor, inout RandomGenerator) -> Tensor) {
        var name: String
        var policy: (Tensor, inout RandomGenerator) -> Tensor
        if let agentPath {
            let loaded = try OfflineTrainer.loadAgent(from: agentPath).agent
            name = "agent " + agentPath
            policy = { s, rng in loaded.act(s, deterministic: false, rng: &rng) }
        } else {
            name = "uniform random actions"
            policy = { s, rng in Tensor.uniform([s.shape[0], a], low: -1, high: 1, rng: &rng) }
        }
        guard dataActions else { return (name, policy) }
        final class Calls { var count = 0 }
        let calls = Calls(), inner = policy
        return ("dataset actions at step 0, then " + name, { s, rng in
            calls.count += 1
            return calls.count == 1 ? firstActions : inner(s, &rng)
        })
    }
}
