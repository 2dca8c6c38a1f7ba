import Foundation
import HDF5

/// The one loop every model-based offline algorithm shares (the PolicyLearning Design article):
/// OfflineRL-Kit's `MBPolicyTrainer.train` (`offlinerlkit/policy_trainer/mb_policy_trainer.py`) with exact resume.
///
/// ```
/// D ← dataset (registry name or path);  T̂ ← fit ensemble on D (or load a cached fit)
/// for step in 0 ..< totalSteps:
///     if step % rolloutInterval == 0:  roll π in T̂ from rolloutBatchSize states of D for h steps
///                                      → TransitionFilter → RewardPenalty → model buffer (FIFO)
///     batch ← real rows (realRatio) + model rows;   agent.update(batch)   (SAC's plug-ins inside)
///     updateHooks after the update (RAMBO: adversarial model steps every few thousand updates)
///     every evaluationInterval:  N deterministic episodes in the real task → D4RL-normalized score, logs
///     every checkpointInterval:  atomic checkpoint (networks, optimizers, α, model buffer, RNG, counters)
/// ```
/// Everything algorithm-specific is an ``OfflinePlugIn`` installed from the configuration's
/// ``OfflineTrainingConfiguration/plugIns``: MOPO gives the rollout a ``DynamicsModels/MOPOPenalty``;
/// MOBILE gives the agent a ``BellmanInconsistencyPenalty`` as its target adjustment; MBPO adds
/// nothing; module plug-ins (MOREC's ``DynamicsModels/TransitionFilter``, RAVL's and the Lipschitz
/// critics' ``CriticRegularizer``s, diagnostics) compose with any of them. The model is the fitted
/// ensemble, the true dynamics or a blend (``OfflineTrainingConfiguration/dynamicsSource``); with
/// `none` there is no model and the loop trains on the data alone (model-free algorithms). The
/// learner is ``SACAgent`` unless an ``OfflineAgentFactory`` plug-in supplies another ``OfflineAgent``.
///
/// Files in the run directory: `config.json`, `metadata.json` (git revision, command, seed; the
/// same for each resume), `dynamics.h5` (the fitted model) and `dynamics.json` (its fit summary;
/// for a fit loaded from `dynamicsCache`, the cache's path and its fitting run's summary), `progress.jsonl` and
/// `progress.csv` (one row per evaluation), `checkpoint.h5` (the latest resume point) and
/// `final.h5` (the trained agent), `dataset.json` (the dataset's path, size and SHA-256),
/// `timing.json` (clock readings) and `.lock` (the owner's PID). A
/// run killed at any point and continued with `resume: true` produces the same parameters and logs
/// as an uninterrupted one (same machine and thread count). Two identical runs write byte-identical
/// `config.json`, `dynamics.h5`, `dynamics.json`, `checkpoint.h5` and `final.h5` (check a
/// reproduction with `sha256sum`); only `metadata.json` (start time), `timing.json` and the logs'
/// `wall_seconds` column depend on the clock.
///
/// ```swift
/// let registry = OfflineAlgorithmRegistry.base
/// let config = try registry.configuration(algorithm: "mopo", dataset: "hopper-medium-orl", preset: .short)
/// let trainer = try OfflineTrainer(configuration: config, directory: URL(fileURLWithPath: "runs/mopo"), resume: true,
///                                  plugIns: registry.makePlugIns(for: config))
/// try trainer.run { print($0.text) }
/// ```
public final class OfflineTrainer {
    /// The run's settings (saved as `config.json` in ``directory``).
    public let configuration: OfflineTrainingConfiguration
    /// The run directory: logs, checkpoints, the final agent.
    public let directory: URL
    /// The learner: a ``SACAgent``, or the agent of the configuration's ``OfflineAgentFactory``.
    public let learner: any OfflineAgent
    /// The dynamics model rolled out, or `nil` when ``OfflineTrainingConfiguration/dynamicsSource``
    /// is `none` (no rollouts: the loop trains on the data alone).
    public let model: (any DynamicsModel)?
    /// The task evaluated on.
    public let environmentName: String
    /// The registry entry of the dataset (reference returns for normalized scores), if any.
    public let datasetEntry: DatasetEntry?
    /// The real transitions (the dataset's q-learning view).
    public let realBuffer: ReplayBuffer
    /// The FIFO buffer of model rollouts.
    public internal(set) var modelBuffer: ReplayBuffer
    /// The rollout (horizon h).
    public let rollout: ModelRollout
    /// The reward penalty applied on rollouts (MOPO's), or `nil`; set by ``install(penalty:by:)``.
    public internal(set) var penalty: (any RewardPenalty)?
    /// The transition filter on the rollout path (``KeepAllTransitions`` unless a plug-in sets one
    /// with ``install(filter:by:)``).
    public internal(set) var filter: any TransitionFilter
    /// Diagnostics that see every rollout step.
    public var rolloutObservers: [any RolloutObserver] = []
    /// Work done before the first and after every update, in order (RAMBO's adversarial model training).
    public var updateHooks: [any OfflineUpdateHook] = []
    /// The installed plug-ins.
    public let plugIns: [any OfflinePlugIn]
    /// The fitted ensemble when the run uses one (also under ``model`` unless the dynamics
    /// source is the true or a blended model).
    public let learnedModel: (any DynamicsModel)?
    /// SAC updates done.
    public internal(set) var step = 0
    /// Evaluations so far.
    public internal(set) var evaluations: [OfflineEvaluation] = []
    /// What the latest rollout stored.
    public internal(set) var lastRollout: RolloutStatistics?
    /// The dynamics fit done by this trainer, or `nil` when the model was loaded or given.
    public private(set) var dynamicsFit: DynamicsFitSummary?
    /// Where ``run(stopAfter:progress:)``'s time went in this process (`orl bench train`).
    public private(set) var profile = OfflineLoopProfile()

    var rng: RandomGenerator
    var wallSecondsBefore = 0.0
    /// The run directory's lock, held for the trainer's life.
    private let ownership: RunDirectoryLock
    /// Which plug-in set each single-valued hook, so a second one is refused.
    private var hookOwners: [String: String] = [:]
    private let sampler: MixedSampler
    private var evaluationEnvironment: any Environment
    private var log: TrainingLog?
    /// Metrics summed since the last evaluation (their means go in its row); saved by a checkpoint between evaluations.
    var pendingMetrics: [String: (sum: Double, count: Int)] = [:]
    /// Whether the hooks' ``OfflineUpdateHook/beforeFirstUpdate(trainer:rng:)`` ran in this process.
    private var hooksPrepared = false

    /// The latest resume point.
    public var checkpointPath: String { directory.appendingPathComponent("checkpoint.h5").path }
    /// The trained agent, written when the run reaches ``OfflineTrainingConfiguration/totalSteps``.
    public var finalAgentPath: String { directory.appendingPathComponent("final.h5").path }
    /// The fitted dynamics model of this run.
    public var dynamicsPath: String { directory.appendingPathComponent("dynamics.h5").path }
    /// The fewest usable transitions (the q-learning view's rows) a dataset must have: enough for
    /// the dynamics fit's training and holdout sets.
    public static let minimumTransitions = 10

    /// The file name of a dynamics fit in progress (model and loop state after its last whole
    /// epoch), from which `resume` continues the fit; removed once `dynamics.h5` is written.
    public static let dynamicsFitFileName = "dynamics-fit.h5"

    /// Loads the dataset, builds (fits, or loads) the model and the agent, and, with `resume`,
    /// restores the run found in `directory`.
    ///
    /// - Parameters:
    ///   - configuration: the run's settings.
    ///   - directory: the run directory.
    ///   - resume: continue the run in `directory` (its `dynamics.h5`, `checkpoint.h5` and logs).
    ///   - dynamicsCache: a `dynamics.h5` from an earlier fit on the same dataset and model
    ///     configuration, loaded instead of fitting (and written there after a fit when absent,
    ///     with `CACHE.json` recording the dataset, fit seed and ensemble settings; a run whose
    ///     record would differ refuses the cache, naming the differing settings).
    ///     While one run fits it, others given the same cache wait for that fit (`CACHE.lock`).
    ///   - model: a model to use as is instead of ``OfflineTrainingConfiguration/dynamicsSource``'s (a test model).
    ///   - environment: the task to evaluate in instead of `makeEnvironment(named:)`'s (a task defined
    ///     outside the library, such as a test's), or `nil`; its spaces must match the dataset's. It is
    ///     used as given: wrap it in ``TimeLimit`` for an episode length.
    ///   - registry: the algorithms and plug-ins known to the program (the `OfflineRL` umbrella's
    ///     `AlgorithmRegistry.standard` knows every module's); the plug-ins named in
    ///     ``OfflineTrainingConfiguration/plugIns`` are built from it.
    ///   - plugIns: plug-ins to install instead of the registry's (already built, e.g. around a
    ///     test double), or `nil`.
    ///   - report: called with one line per dataset/model event (dynamics epochs).
    /// - Throws: ``OfflineTrainingError``, dataset errors (unknown name → the closest known names),
    ///   environment errors (unknown task), ``DynamicsModels/DynamicsModelError``.
    public init(configuration: OfflineTrainingConfiguration, directory: URL, resume: Bool,
                dynamicsCache: String? = nil, model: (any DynamicsModel)? = nil,
                environment: (any Environment)? = nil, registry: OfflineAlgorithmRegistry = .base, plugIns: [any OfflinePlugIn]? = nil,
                report: ((String) -> Void)? = nil) throws {
        try configuration.validate()
        let plugIns = try plugIns ?? registry.makePlugIns(for: configuration)
        self.configuration = configuration
        self.directory = directory
        let fm = FileManager.default
        // One owner per run directory, from the first second; then the run's configuration is
        // recorded (or, on resume, compared with the recorded one) before any work.
        ownership = try RunDirectoryLock(directory)
        let checkpointFile = directory.appendingPathComponent("checkpoint.h5").path
        let dynamicsFile = directory.appendingPathComponent("dynamics.h5").path
        let dynamicsFitFile = directory.appendingPathComponent(Self.dynamicsFitFileName).path
        let configFile = directory.appendingPathComponent("config.json").path
        let hasRun = [configFile, checkpointFile, dynamicsFile, dynamicsFitFile].contains { fm.fileExists(atPath: $0) }
        if hasRun && !resume { throw OfflineTrainingError.outputExists(directory: directory.path) }
        if resume, let saved = fm.contents(atPath: configFile) {
            let tree: JSONValue
            do { tree = try JSONDecoder().decode(JSONValue.self, from: saved) } catch {
                throw OfflineTrainingError.checkpointMismatch(file: configFile, reason: "unreadable (\(error))")
            }
            let changed = Self.changedSettings(saved: tree, current: configuration)
            guard changed.isEmpty else {
                throw OfflineTrainingError.checkpointMismatch(
                    file: configFile, reason: "it was made with a different configuration (changed: \(changed.joined(separator: ", "))); "
                        + "only the total step count may change")
            }
        }
        try AtomicFile.write(try Self.prettyJSON(configuration.settingsTree), to: configFile)
        let metadataFile = directory.appendingPathComponent("metadata.json").path
        if !hasRun {
            try RunMetadata.write(RunMetadata.current(seed: configuration.seed), to: metadataFile)
        } else {
            do { try RunMetadata.recordResume(at: metadataFile, seed: configuration.seed) } catch {
                throw OfflineTrainingError.checkpointMismatch(file: metadataFile, reason: "unreadable (\(error))")
            }
        }

        // Dataset and task.
        let resolved = try ResolvedDataset(configuration.dataset, environment: configuration.environment)
        try Self.recordDatasetIdentity(try resolved.identity(), in: directory, resume: resume && hasRun)
        let dataset = resolved.dataset
        environmentName = resolved.environment
        datasetEntry = resolved.entry ?? (try? DatasetRegistry.standard().entry(named: environmentName + "-medium-v2"))
        evaluationEnvironment = try environment ?? makeEnvironment(named: environmentName, maxEpisodeSteps: configuration.maxEpisodeSteps)
        let o = dataset.observationDimension, a = dataset.actionDimension
        guard evaluationEnvironment.observationSpec.dimension == o, evaluationEnvironment.actionSpec.dimension == a else {
            throw OfflineTrainingError.invalidConfiguration(
                "the dataset has \(o)/\(a) observation/action dimensions, task \(environmentName) has \(evaluationEnvironment.observationSpec.dimension)/\(evaluationEnvironment.actionSpec.dimension)")
        }
        let transitions = dataset.qlearningTransitions()
        guard transitions.count >= Self.minimumTransitions else {
            throw OfflineTrainingError.invalidConfiguration(
                "\(configuration.dataset) has \(transitions.count) usable transitions (of \(dataset.count) rows; a row ending in a timeout has no next observation), need at least \(Self.minimumTransitions)")
        }
        try configuration.checkMemory(observationDimension: o, actionDimension: a)
        realBuffer = ReplayBuffer(transitions)

        // Random streams: the model's fit, the agent's initialisation, then the loop.
        var root = RandomGenerator(seed: configuration.seed)
        var modelRNG = root.split()
        if let dynamicsSeed = configuration.dynamicsSeed {
            var dynamicsRoot = RandomGenerator(seed: dynamicsSeed)   // the seed-d run's model stream
            modelRNG = dynamicsRoot.split()
        }
        var agentRNG = root.split()
        rng = root
        learner = try registry.makeAgent(for: configuration, context: OfflineAgentContext(observationDimension: o, actionDimension: a,
                                                                                         realData: realBuffer), rng: &agentRNG)
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)

        // The dynamics model: given, the true dynamics, or this run's, a cached or a new fit.
        var learned: (any DynamicsModel)?
        var fitSeconds: Double?
        if let model {
            learned = model
        } else if configuration.dynamicsSource.usesLearnedModel {
            let ensemble = try DynamicsEnsemble(observationDimension: o, actionDimension: a, configuration: configuration.dynamics,
                                                termination: try TerminationFunction.named(environmentName), rng: &modelRNG)
            // Runs sharing a cache (several queues at once) wait for the one fitting it, then load it.
            var cacheLock: FileLock?
            if !fm.fileExists(atPath: dynamicsFile), let dynamicsCache, !fm.fileExists(atPath: dynamicsCache) {
                try fm.createDirectory(at: URL(fileURLWithPath: dynamicsCache).deletingLastPathComponent(), withIntermediateDirectories: true)
                if let held = FileLock(path: dynamicsCache + ".lock") {
                    cacheLock = held
                } else {
                    report?("dynamics: waiting for another run's fit of \(dynamicsCache)")
                    cacheLock = FileLock(waitingFor: dynamicsCache + ".lock", giveUp: { StopRequest.isRequested })
                    if cacheLock == nil && StopRequest.isRequested { throw OfflineTrainingError.stopRequested(step: 0) }
                }
            }
            defer { withExtendedLifetime(cacheLock) {} }
            if fm.fileExists(atPath: dynamicsFile) {
                try ensemble.load(from: dynamicsFile)
                report?("dynamics: loaded \(dynamicsFile)")
            } else if let dynamicsCache, fm.fileExists(atPath: dynamicsCache) {
                let record = try DynamicsCacheRecord.read(for: dynamicsCache)
                if let record {
                    let differences = record.differences(from: DynamicsCacheRecord(configuration))
                    guard differences.isEmpty else {
                        throw OfflineTrainingError.invalidConfiguration(
                            "the dynamics cache \(dynamicsCache) was fitted differently (changed: \(differences.joined(separator: ", "))); give this run its own --dynamics-cache, or the cache's settings")
                    }
                } else {
                    report?("dynamics: \(dynamicsCache) has no record of its fit (\(DynamicsCacheRecord.path(for: dynamicsCache))); using it unchecked")
                }
                try ensemble.load(from: dynamicsCache)
                try AtomicFile.produce(dynamicsFile) { temporary in try ensemble.save(to: temporary) }
                try? fm.removeItem(atPath: dynamicsFitFile)   // an own fit cut short before the cache existed
                try Self.writeFitSummary(record?.fit ?? [:], cache: dynamicsCache, in: directory)
                report?("dynamics: loaded cached fit \(dynamicsCache)")
            } else {
                // A fit killed midway continues from its last whole epoch (dynamics-fit.h5).
                let partial = fm.fileExists(atPath: dynamicsFitFile) ? try ensemble.loadFitState(from: dynamicsFitFile) : nil
                if let partial {
                    report?("dynamics: continuing the fit after epoch \(partial.epoch) (\(Self.dynamicsFitFileName))")
                } else {
                    report?("dynamics: fitting \(configuration.dynamics.members) members on \(dataset.count) transitions")
                }
                let fit = try ensemble.fit(dataset.dynamicsTransitions(), rng: &modelRNG, resumingFrom: partial, progress: { epoch in
                    report?(String(format: "dynamics epoch %d  train loss %.4f  holdout mse %.5f  (%.0f s)",
                                   epoch.epoch, epoch.trainLoss, epoch.holdoutLoss, epoch.elapsedSeconds))
                }, checkpoint: { state throws(DynamicsModelError) in
                    do {
                        try AtomicFile.produce(dynamicsFitFile) { temporary in try ensemble.saveFitState(state, to: temporary) }
                    } catch {
                        throw .checkpoint(file: dynamicsFitFile, problem: "\(error)")
                    }
                    if StopRequest.isRequested { throw .stopRequested(epoch: state.epoch) }
                })
                dynamicsFit = fit
                try AtomicFile.produce(dynamicsFile) { temporary in try ensemble.save(to: temporary) }
                try? fm.removeItem(atPath: dynamicsFitFile)
                let summary: [String: String] = [
                    "epochs": String(fit.epochs), "stop_reason": fit.stopReason.rawValue,
                    "holdout_errors": fit.holdoutErrors.map { String($0) }.joined(separator: " "),
                    "elites": fit.elites.map(String.init).joined(separator: " "),
                    "train_count": String(fit.trainCount), "holdout_count": String(fit.holdoutCount)]
                if let dynamicsCache, !fm.fileExists(atPath: dynamicsCache) {
                    var record = DynamicsCacheRecord(configuration)
                    record.fit = summary
                    try record.write(for: dynamicsCache)   // first, so a cache never lacks one
                    try AtomicFile.produce(dynamicsCache) { temporary in try ensemble.save(to: temporary) }
                }
                try Self.writeFitSummary(summary, cache: nil, in: directory)
                fitSeconds = fit.elapsedSeconds
                report?("dynamics: \(fit.epochs) epochs (\(fit.stopReason.rawValue)), elites \(fit.elites), \(String(format: "%.0f", fit.elapsedSeconds)) s")
            }
            learned = ensemble
        }
        learnedModel = learned
        switch (model, configuration.dynamicsSource) {
        case (let given?, _): self.model = given
        case (nil, .learned): self.model = learned!
        case (nil, .noModel): self.model = nil
        case (nil, .trueDynamics):
            self.model = try TrueDynamics(named: environmentName)
            report?("dynamics: the true \(environmentName) simulator (no model fitted)")
        case let (nil, .interpolated(lambda)):
            self.model = InterpolatedDynamics(learned: learned!, oracle: try TrueDynamics(named: environmentName), lambda: lambda,
                                              termination: try TerminationFunction.named(environmentName))
            report?("dynamics: (1 − \(lambda))·learned + \(lambda)·true")
        }

        // The algorithm is its plug-ins (the base algorithm's penalty first, then the modules').
        rollout = ModelRollout(horizon: configuration.rolloutHorizon, chunkSize: 2_000)
        filter = KeepAllTransitions()
        penalty = nil
        sampler = MixedSampler(realRatio: configuration.realRatio)
        modelBuffer = ReplayBuffer(capacity: self.model == nil ? 1 : configuration.modelBufferCapacity, observationDimension: o,
                                   actionDimension: a)
        self.plugIns = plugIns
        for plugIn in plugIns { try plugIn.install(on: self) }
        _ = try checkpointParts()   // refuses clashing part names before any work

        let resuming = resume && fm.fileExists(atPath: checkpointFile)
        if resuming { try restore() }
        if step > configuration.totalSteps {
            throw OfflineTrainingError.invalidConfiguration(
                "the run in \(directory.path) is at step \(step), beyond totalSteps \(configuration.totalSteps); a run can be extended, not shortened")
        }
        log = try TrainingLog(directory: directory, keepThroughStep: resuming ? step : nil)
        if let fitSeconds { try recordTiming(["dynamics_fit_seconds": fitSeconds]) }
    }

    /// Writes the run's `dynamics.json`: its fit's summary, and for a fit loaded from a cache the
    /// cache's path beside the summary its fitting run left in the cache's record (none in records
    /// written before summaries were kept).
    static func writeFitSummary(_ summary: [String: String], cache: String?, in directory: URL) throws {
        var summary = summary
        if let cache { summary["cache"] = cache }
        try AtomicFile.write(try prettyJSON(summary), to: directory.appendingPathComponent("dynamics.json").path)
    }

    /// The dataset a run was made on: `dataset.json` (path, size, SHA-256), written at its start; a
    /// resume whose dataset's content differs is refused, even before the first checkpoint.
    static func recordDatasetIdentity(_ identity: DatasetIdentity, in directory: URL, resume: Bool) throws {
        let path = directory.appendingPathComponent("dataset.json").path
        if resume, let data = FileManager.default.contents(atPath: path),
           let saved = try? JSONDecoder().decode(DatasetIdentity.self, from: data), !saved.sameContent(as: identity) {
            throw OfflineTrainingError.checkpointMismatch(
                file: path, reason: "the run was made on \(saved), the dataset now is \(identity): its content changed")
        }
        try AtomicFile.write(try prettyJSON(identity), to: path)
    }

    /// Whether the run has reached ``OfflineTrainingConfiguration/totalSteps`` and written its
    /// final agent: a resume has nothing to do.
    public var isFinished: Bool {
        step == configuration.totalSteps && FileManager.default.fileExists(atPath: finalAgentPath)
    }

    /// Trains until ``OfflineTrainingConfiguration/totalSteps`` (or until `stopAfter` updates,
    /// leaving the run resumable as a kill would), calling `progress` about every 2 s.
    public func run(stopAfter: Int? = nil, progress: ((OfflineProgress) -> Void)? = nil) throws {
        BLASRuntime.beginSingleThreaded()   // small products: split across cores by Tensor.parallelGemm instead
        defer { BLASRuntime.endSingleThreaded() }

        let total = configuration.totalSteps, stop = Swift.min(stopAfter ?? total, total)
        let o = realBuffer.observationDimension, a = realBuffer.actionDimension
        var batch = TransitionBatch(batchSize: configuration.sac.batchSize, observationDimension: o, actionDimension: a)
        let sac = learner as? SACAgent
        let mixedBatchPlugIns = ([learner as AnyObject?, sac?.targetAdjustment as AnyObject?] + (sac?.criticRegularizers ?? []).map { $0 as AnyObject? })
            .compactMap { $0 as? MixedBatchAware }
        let start = monotonicSeconds()
        var lastReport = start
        let stepsAtStart = step

        defer { profile.loopSeconds += monotonicSeconds() - start }
        while step < stop {
            if step == 0 && !hooksPrepared {
                for hook in updateHooks { try hook.beforeFirstUpdate(trainer: self, rng: &rng) }
                hooksPrepared = true
            }
            if model != nil && step % configuration.rolloutInterval == 0 {
                rolloutModel()
                if let r = lastRollout, let bad = [("model reward", r.meanRawReward), ("penalized model reward", r.meanReward),
                                                   ("rollout penalty", r.meanPenalty ?? 0)].first(where: { !$0.1.isFinite }) {
                    throw OfflineTrainingError.nonFinite(phase: "model rollout", step: step, quantity: bad.0)
                }
            }
            if configuration.cosineActorSchedule { learner.actorOptimizer.learningRate = actorLearningRate(at: step) }
            let sampling = monotonicSeconds()
            sampler.sample(real: realBuffer, model: modelBuffer, into: &batch, rng: &rng)
            let realRows = sampler.realCount(batchSize: batch.batchSize, modelCount: modelBuffer.count)
            for plugIn in mixedBatchPlugIns { plugIn.realRowCount = realRows }
            let updating = monotonicSeconds()
            let metrics = learner.update(batch, rng: &rng)
            let updated = monotonicSeconds()
            profile.samplingSeconds += updating - sampling
            profile.updateSeconds += updated - updating
            profile.updates += 1
            if !metrics.values.allSatisfy(\.isFinite) {   // no allocation on the common path
                let bad = metrics.keys.sorted().first { !metrics[$0]!.isFinite }!
                throw OfflineTrainingError.nonFinite(phase: "SAC update", step: step + 1, quantity: bad)
            }
            accumulate(metrics)
            step += 1
            for hook in updateHooks {
                let hookMetrics = try hook.afterUpdate(trainer: self, rng: &rng)
                if let bad = hookMetrics.keys.sorted().first(where: { !hookMetrics[$0]!.isFinite }) {
                    throw OfflineTrainingError.nonFinite(phase: "update hook", step: step, quantity: bad)
                }
                accumulate(hookMetrics)
            }

            let wall = wallSecondsBefore + monotonicSeconds() - start
            if step % configuration.evaluationInterval == 0 || step == total {
                let evaluating = monotonicSeconds()
                try evaluateAndLog(wallSeconds: wall)
                profile.evaluationSeconds += monotonicSeconds() - evaluating
                profile.evaluations += 1
            }
            // A requested stop checkpoints after this update (the pending window's metric sums go in the
            // checkpoint), or at the next evaluation when rollout observers gather per-window state.
            let stopping = step < total && StopRequest.isRequested
                && (rolloutObservers.isEmpty || step % configuration.evaluationInterval == 0)
            if step % configuration.checkpointInterval == 0 || step == total || stopping {
                let saving = monotonicSeconds()
                try saveCheckpoint(wallSeconds: wall)
                profile.checkpointSeconds += monotonicSeconds() - saving
            }
            if stopping { throw OfflineTrainingError.stopRequested(step: step) }
            let now = monotonicSeconds()
            if let progress, now - lastReport >= 2 || step == stop {
                let line = ProgressLine(step: step, totalSteps: total,
                                        stepsPerSecond: Double(step - stepsAtStart) / Swift.max(now - start, 1e-9),
                                        latestReturn: evaluations.last?.result.mean)
                progress(OfflineProgress(line: line, normalizedScore: evaluations.last?.normalizedScore))
                lastReport = now
            }
        }
        if step == total {
            let saving = monotonicSeconds()
            try AtomicFile.produce(finalAgentPath) { temporary in
                try Checkpoint.save(to: temporary, parts: try checkpointParts())   // the learner's and the plug-ins'
                try Self.writeDescription(of: self, into: temporary)
            }
            profile.checkpointSeconds += monotonicSeconds() - saving
        }
    }

    /// Sets the rollout's reward penalty on behalf of plug-in `owner`.
    /// - Throws: ``OfflineTrainingError/conflictingPlugIns(hook:first:second:)`` when another plug-in set it.
    public func install(penalty: any RewardPenalty, by owner: String) throws(OfflineTrainingError) {
        try claim("reward penalty", by: owner)
        self.penalty = penalty
    }

    /// Sets the rollout's transition filter on behalf of plug-in `owner`.
    /// - Throws: ``OfflineTrainingError/conflictingPlugIns(hook:first:second:)`` when another plug-in set it.
    public func install(filter: any TransitionFilter, by owner: String) throws(OfflineTrainingError) {
        try claim("transition filter", by: owner)
        self.filter = filter
    }

    /// Sets the SAC agent's critic-target adjustment on behalf of plug-in `owner`.
    /// - Throws: ``OfflineTrainingError/conflictingPlugIns(hook:first:second:)`` when another plug-in set it;
    ///   ``OfflineTrainingError/invalidConfiguration(_:)`` when the learner is not SAC.
    public func install(targetAdjustment: any TargetAdjustment, by owner: String) throws(OfflineTrainingError) {
        let agent = try sacAgent(for: owner)
        try claim("critic target adjustment", by: owner)
        agent.targetAdjustment = targetAdjustment
    }

    /// The SAC learner, or `nil` when an ``OfflineAgentFactory`` supplied another agent.
    public var sacAgent: SACAgent? { learner as? SACAgent }

    /// The SAC learner (its critics, actor and hooks).
    /// - Precondition: the learner is SAC (the default). Plug-ins call ``sacAgent(for:)`` instead,
    ///   which throws when it is not.
    public var agent: SACAgent {
        guard let sac = sacAgent else { preconditionFailure("OfflineTrainer.agent: the learner is \(type(of: learner)), not SAC; use learner or sacAgent(for:)") }
        return sac
    }

    /// The SAC learner for plug-in `owner`, which needs SAC's critics or hooks.
    /// - Throws: ``OfflineTrainingError/invalidConfiguration(_:)`` naming `owner` when another agent learns.
    public func sacAgent(for owner: String) throws(OfflineTrainingError) -> SACAgent {
        guard let sac = sacAgent else {
            throw .invalidConfiguration("plug-in '\(owner)' needs the SAC learner, but this run learns with \(type(of: learner)) (\(configuration.algorithm))")
        }
        return sac
    }

    private func claim(_ hook: String, by owner: String) throws(OfflineTrainingError) {
        if let first = hookOwners[hook] { throw .conflictingPlugIns(hook: hook, first: first, second: owner) }
        hookOwners[hook] = owner
    }

    /// The actor's learning rate during the epoch containing `step`
    /// (``OfflineTrainingConfiguration/actorLearningRate(at:)``).
    public func actorLearningRate(at step: Int) -> Float { configuration.actorLearningRate(at: step) }

    /// Rolls the current (stochastic) policy out in the model from states drawn from the data.
    private func rolloutModel() {
        guard let model else { return }
        let drawing = monotonicSeconds()
        var starts = TransitionBatch(batchSize: configuration.rolloutBatchSize, observationDimension: realBuffer.observationDimension,
                                     actionDimension: realBuffer.actionDimension)
        realBuffer.sample(into: &starts, rng: &rng)
        let agent = learner
        let timer = RolloutTimer()
        profile.rolloutModelSeconds += monotonicSeconds() - drawing
        lastRollout = rollout.run(model: model, startObservations: starts.observations,
                                  policy: { states, rng in agent.act(states, deterministic: false, rng: &rng) },
                                  filter: filter, penalty: penalty, observers: rolloutObservers, into: &modelBuffer, rng: &rng,
                                  timer: timer)
        profile.rolloutModelSeconds += timer.modelSeconds
        profile.rolloutFilterAndPenaltySeconds += timer.filterAndPenaltySeconds
        profile.rolloutStorageSeconds += timer.storageSeconds
        profile.rollouts += 1
    }

    /// Runs `episodes` deterministic episodes (reset seeds from `seed`) of the current policy.
    public func evaluatePolicy(episodes: Int, seed: UInt64) -> OfflineEvaluation {
        let agent = learner
        let result = evaluate(policy: { observation in
            var unused = RandomGenerator(seed: 0)
            return agent.act(observation, deterministic: true, rng: &unused)
        }, environment: &evaluationEnvironment, episodes: episodes, seed: seed)
        return OfflineEvaluation(step: step, result: result, entry: datasetEntry)
    }

    private func accumulate(_ metrics: TrainingMetrics) {
        for (k, v) in metrics {
            let old = pendingMetrics[k] ?? (0, 0)
            pendingMetrics[k] = (old.sum + v, old.count + 1)
        }
    }

    private func evaluateAndLog(wallSeconds: Double) throws {
        let seed = (1 << 40) &+ configuration.seed &* 7919 &+ UInt64(step) &* 1_000
        let evaluation = evaluatePolicy(episodes: configuration.evaluationEpisodes, seed: seed)
        evaluations.append(evaluation)
        var row: [String: Double] = [
            "step": Double(step), "epoch": Double(step) / Double(configuration.stepsPerEpoch),
            "return_mean": evaluation.result.mean, "return_std": evaluation.result.standardDeviation,
            "episode_length_mean": Double(evaluation.result.lengths.reduce(0, +)) / Double(Swift.max(evaluation.result.lengths.count, 1)),
            "wall_seconds": wallSeconds, "actor_lr": Double(learner.actorOptimizer.learningRate),
            "model_buffer_size": Double(modelBuffer.count), "seed": Double(configuration.seed),
        ]
        if let score = evaluation.normalizedScore { row["normalized_score"] = score }
        if let std = evaluation.normalizedScoreStd { row["normalized_score_std"] = std }
        if let r = lastRollout {
            row["rollout_transitions"] = Double(r.transitionsAdded)
            row["rollout_length_mean"] = r.meanLength
            row["rollout_reward_mean"] = r.meanReward
            row["rollout_raw_reward_mean"] = r.meanRawReward
            row["rollout_kept_fraction"] = r.keptFraction
            if let p = r.meanPenalty { row["rollout_penalty_mean"] = p }
        }
        for (k, v) in pendingMetrics { row[k] = v.sum / Double(v.count) }
        pendingMetrics = [:]
        for plugIn in plugIns {
            for (k, v) in plugIn.evaluationMetrics(trainer: self) { row[k] = v }
        }
        try log?.append(row)
    }

    static func prettyJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}

/// One evaluation of the policy in the real task.
public struct OfflineEvaluation: Codable, Sendable, Equatable {
    /// SAC updates done when it ran.
    public var step: Int
    /// Episode returns and lengths.
    public var result: EvaluationResult
    /// D4RL's normalized score of the mean return, `100·(R − R_random)/(R_expert − R_random)`.
    public var normalizedScore: Double?
    /// The returns' standard deviation on the same scale, `100·σ_R/(R_expert − R_random)` (without
    /// the offset Kit's logged std subtracts: `mb_policy_trainer.py` normalizes the std like a return).
    public var normalizedScoreStd: Double?

    /// Scores `result` with `entry`'s reference returns when given (and the entry has them).
    public init(step: Int, result: EvaluationResult, entry: DatasetEntry?) {
        self.step = step
        self.result = result
        if let entry, let low = entry.refMinScore, let high = entry.refMaxScore {
            normalizedScore = entry.normalizedScore(return: result.mean)
            normalizedScoreStd = 100 * result.standardDeviation / (high - low)
        }
    }
}

/// A progress report of an offline run: ``ProgressLine`` plus the latest normalized score.
public struct OfflineProgress: Sendable {
    /// Step, rate, ETA and latest return.
    public var line: ProgressLine
    /// The latest D4RL-normalized score, if any.
    public var normalizedScore: Double?

    /// "step 12000/200000 (6.0%)  312 steps/s  ETA 10m02s  return 1234.5  score 38.2"
    public var text: String {
        line.text + (normalizedScore.map { "  score " + String(format: "%.1f", $0) } ?? "")
    }
}
