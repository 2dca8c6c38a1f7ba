import Foundation

/// The three agents of the toy experiment (Sims et al. 2024, Fig. 4 b–d, on our stand-in task).
public enum EdgeOfReachToyMethod: String, Codable, Sendable, CaseIterable {
    /// Offline MBPO with SAC's two critics and no diversity term (N = 2, η = 0).
    case base
    /// Base with the optimal value V* patched in at edge-of-reach states (``EdgeOfReachOraclePatch``).
    case oraclePatch = "oracle-patch"
    /// Base with the current policy's true value V^π patched in at edge-of-reach states.
    case oraclePatchPolicy = "oracle-patch-policy"
    /// RAVL: N = 10 critics, η = 1 (``EnsembleDiversityRegularizer``).
    case ravl
}

/// Settings of one toy run. The defaults take about a minute per run on two cores.
public struct EdgeOfReachToyConfiguration: Codable, Sendable, Equatable {
    /// The agent.
    public var method: EdgeOfReachToyMethod = .base
    /// The task.
    public var task = EdgeOfReachToy()
    /// Rollout phases; each is followed by ``updatesPerEpoch`` SAC updates.
    public var epochs = 60
    /// SAC updates per epoch.
    public var updatesPerEpoch = 250
    /// Rollouts (all from the origin) per epoch.
    public var rolloutsPerEpoch = 500
    /// Epochs of rollouts the FIFO buffer keeps.
    public var retainEpochs = 5
    /// Hidden widths of actor and critics.
    public var hiddenSizes = [64, 64]
    /// Minibatch size.
    public var batchSize = 256
    /// Epochs between evaluations.
    public var evaluationEvery = 5
    /// Rows drawn from the buffer for the Q statistics.
    public var diagnosticSamples = 2048
    /// Cells per axis of the value maps over [−1.2, 1.2]².
    public var gridSize = 49
    /// The seed.
    public var seed: UInt64 = 1

    /// The defaults for `method`.
    public init(method: EdgeOfReachToyMethod = .base, seed: UInt64 = 1) {
        self.method = method
        self.seed = seed
    }

    /// (N, η) of the method.
    public var criticsAndEta: (critics: Int, eta: Float) { method == .ravl ? (10, 1) : (2, 0) }
}

/// One evaluation of a toy run.
public struct EdgeOfReachToyEvaluation: Codable, Sendable, Equatable {
    /// Epochs done.
    public var epoch: Int
    /// The deterministic policy's return over H steps from the origin (undiscounted).
    public var episodeReturn: Double
    /// Where it ends, its distance to the goal, and the largest ‖s‖∞ on the way.
    public var finalX: Double, finalY: Double, finalDistanceToGoal: Double, maxInfinityNorm: Double
    /// Fraction of the episode's states beyond the rollouts' interior (‖s‖∞ > w + 0.1(k − 1)).
    public var beyondInteriorFraction: Double
    /// minᵢ Qᵢ and meanᵢ Qᵢ at (0, π(0)), and the policy's true discounted return from the origin.
    public var qStartMin: Double, qStartMean: Double, trueStartValue: Double
    /// V*(0).
    public var optimalStartValue: Double
    /// Batch means over buffer rows: meanᵢ Qᵢ(s, π(s)), and the largest meanᵢ Qᵢ seen.
    public var qMean: Double, qMax: Double
    /// Next states at edge-of-reach (last step, ‖s'‖∞ > w + 0.1(k − 1)) and the other next states:
    /// mean of meanᵢ Qᵢ(s', a'), of stdᵢ Qᵢ(s', a'), and how many rows each.
    public var qEdgeMean: Double?, qInteriorMean: Double, stdEdge: Double?, stdInterior: Double
    /// Rows of each group in the sample.
    public var edgeRows: Int, interiorRows: Int
    /// Fraction of sampled rows whose meanᵢ Qᵢ(s', a') exceeds the certified bound 1/(1 − γ).
    public var fractionOverBound: Double
    /// The temperature α.
    public var alpha: Double
    /// Fraction of targets patched since the last evaluation (oracle patch only).
    public var patchedFraction: Double?
}

/// The value maps of a trained toy agent over a grid, row-major with y outer, x inner.
public struct EdgeOfReachToyValueMap: Codable, Sendable, Equatable {
    /// Grid coordinates per axis.
    public var coordinates: [Double]
    /// minᵢ Qᵢ(s, π(s)), meanᵢ Qᵢ(s, π(s)), stdᵢ Qᵢ(s, π(s)) with the deterministic policy.
    public var vMin: [Double], vMean: [Double], vStd: [Double]
    /// The policy's deterministic action per cell.
    public var actionX: [Double], actionY: [Double]
    /// Mean of stdᵢ Qᵢ over the edge-of-reach cells (w + 0.1(k − 1) < ‖s‖∞ ≤ w + 0.1k) and over the interior cells.
    public var stdEdgeCells: Double, stdInteriorCells: Double
}

/// What one toy run produced.
public struct EdgeOfReachToyRun: Codable, Sendable, Equatable {
    /// The settings.
    public var configuration: EdgeOfReachToyConfiguration
    /// The evaluations, in order.
    public var evaluations: [EdgeOfReachToyEvaluation]
    /// The final value maps.
    public var valueMap: EdgeOfReachToyValueMap
    /// The final deterministic trajectory from the origin, `[[x, y]]`, H + 1 points.
    public var trajectory: [[Double]]
    /// Fraction of all critic targets that were patched (oracle patch), or `nil`.
    public var patchedFraction: Double?
    /// Wall time of the run.
    public var wallSeconds: Double
}

/// Runs the toy edge-of-reach experiment: SAC on k-step rollouts of the true toy dynamics from the
/// origin, with the agent of ``EdgeOfReachToyConfiguration/method``. The loop is the shared
/// offline loop reduced to its model-data part (no real data: the "dataset" is the start state).
///
/// ```
/// for epoch in 1…E:  roll π (stochastic) for k steps from R copies of (0, 0) → FIFO buffer (tagged t)
///                    U × SACAgent.update(batch from the buffer)     (+ diversity term | + oracle patch)
///                    every few epochs: evaluate (episode, Q at origin, Q and spread at edge vs interior s')
/// ```
public struct EdgeOfReachToyExperiment {
    /// The settings.
    public let configuration: EdgeOfReachToyConfiguration

    /// An experiment with `configuration`.
    public init(configuration: EdgeOfReachToyConfiguration) { self.configuration = configuration }

    /// Runs it; `progress` gets one line per evaluation.
    public func run(progress: ((String) -> Void)? = nil) -> EdgeOfReachToyRun {
        let c = configuration, task = c.task
        let started = Date()
        var root = RandomGenerator(seed: c.seed)
        var agentRNG = root.split()
        var rng = root
        var sac = SACConfiguration()
        sac.hiddenSizes = c.hiddenSizes
        sac.critics = c.criticsAndEta.critics
        sac.batchSize = c.batchSize
        sac.discount = task.discount
        let agent = SACAgent(observationDimension: 2, actionDimension: 2, configuration: sac, rng: &agentRNG)
        var patch: EdgeOfReachOraclePatch?
        switch c.method {
        case .base: break
        case .oraclePatch, .oraclePatchPolicy:
            patch = EdgeOfReachOraclePatch(task: task, oracle: c.method == .oraclePatch ? .optimal : .policy)
            agent.targetAdjustment = patch
        case .ravl: agent.criticRegularizers.append(EnsembleDiversityRegularizer(eta: c.criticsAndEta.eta))
        }
        let model = EdgeOfReachToyDynamics(task: task)
        let rollout = ModelRollout(horizon: task.rolloutHorizon)
        var buffer = ModelRollout.makeModelBuffer(rolloutBatchSize: c.rolloutsPerEpoch, horizon: task.rolloutHorizon,
                                                  retainEpochs: c.retainEpochs, observationDimension: 2, actionDimension: 2)
        var batch = TransitionBatch(batchSize: c.batchSize, observationDimension: 2, actionDimension: 2)
        var evaluations = [EdgeOfReachToyEvaluation]()
        var patchedBefore = (0, 0)
        for epoch in 1...c.epochs {
            let w = task.startHalfWidth
            let starts = w == 0 ? Tensor.zeros([c.rolloutsPerEpoch, 2]) : Tensor.uniform([c.rolloutsPerEpoch, 2], low: -w, high: w, rng: &rng)
            _ = rollout.run(model: model, startObservations: starts,
                            policy: { s, rng in agent.act(s, deterministic: false, rng: &rng) }, into: &buffer, rng: &rng)
            for _ in 0..<c.updatesPerEpoch {
                buffer.sample(into: &batch, rng: &rng)
                agent.update(batch, rng: &rng)
            }
            if epoch % c.evaluationEvery == 0 || epoch == c.epochs {
                var evaluation = evaluate(agent: agent, buffer: buffer, epoch: epoch)
                if let patch {
                    let rows = patch.seenRows - patchedBefore.1
                    evaluation.patchedFraction = rows == 0 ? 0 : Double(patch.patchedRows - patchedBefore.0) / Double(rows)
                    patchedBefore = (patch.patchedRows, patch.seenRows)
                }
                evaluations.append(evaluation)
                progress?(String(format: "%@ seed %d epoch %3d  return %6.2f  dist %.3f  max‖s‖∞ %.2f  Q(0) %7.2f (true %6.2f, V* %6.2f)  Q edge %@ interior %.2f  std edge %@ interior %.3f  >bound %.3f  α %.3f",
                                 c.method.rawValue, Int(c.seed), epoch, evaluation.episodeReturn, evaluation.finalDistanceToGoal,
                                 evaluation.maxInfinityNorm, evaluation.qStartMean, evaluation.trueStartValue, evaluation.optimalStartValue,
                                 evaluation.qEdgeMean.map { String(format: "%.2f", $0) } ?? "–", evaluation.qInteriorMean,
                                 evaluation.stdEdge.map { String(format: "%.3f", $0) } ?? "–", evaluation.stdInterior,
                                 evaluation.fractionOverBound, evaluation.alpha))
            }
        }
        return EdgeOfReachToyRun(configuration: c, evaluations: evaluations, valueMap: valueMap(agent: agent),
                                 trajectory: trajectory(agent: agent).points,
                                 patchedFraction: patch.map { $0.seenRows == 0 ? 0 : Double($0.patchedRows) / Double($0.seenRows) },
                                 wallSeconds: Date().timeIntervalSince(started))
    }

    /// The deterministic policy's H-step episode from the origin, and its discounted return over
    /// 2,000 steps (the true value of the deterministic policy, to within γ^2000).
    func trajectory(agent: SACAgent) -> (points: [[Double]], episodeReturn: Double, discountedReturn: Double) {
        let task = configuration.task
        var unused = RandomGenerator(seed: 0)
        var x: Float = 0, y: Float = 0
        var points = [[0.0, 0.0]], episodeReturn = 0.0, discounted = 0.0, weight = 1.0
        for t in 0..<2000 {
            let a = agent.act(Tensor(shape: [1, 2], scalars: [x, y]), deterministic: true, rng: &unused).scalars
            let n = task.step(x, y, a[0], a[1])
            (x, y) = (n.x, n.y)
            discounted += weight * Double(n.reward)
            weight *= Double(task.discount)
            if t < task.episodeSteps {
                episodeReturn += Double(n.reward)
                points.append([Double(x), Double(y)])
            }
        }
        return (points, episodeReturn, discounted)
    }

    func evaluate(agent: SACAgent, buffer: ReplayBuffer, epoch: Int) -> EdgeOfReachToyEvaluation {
        let c = configuration, task = c.task
        let path = trajectory(agent: agent)
        let last = path.points.last!
        let norms = path.points.dropFirst().map { Swift.max(Swift.abs($0[0]), Swift.abs($0[1])) }
        let interiorLimit = Double(task.interiorLimit)
        var unused = RandomGenerator(seed: 0)
        let origin = Tensor.zeros([1, 2])
        let q0 = agent.critics(Variable(origin), Variable(agent.act(origin, deterministic: true, rng: &unused))).value.scalars

        // Buffer rows: Q(s, π(s)) and Q(s', a') split by edge-of-reach next states.
        var rng = RandomGenerator(seed: c.seed &* 7919 &+ UInt64(epoch))
        var sample = TransitionBatch(batchSize: c.diagnosticSamples, observationDimension: 2, actionDimension: 2)
        buffer.sample(into: &sample, rng: &rng)
        let n = agent.critics.members, rows = c.diagnosticSamples
        let qs = agent.critics(Variable(sample.observations),
                               Variable(agent.act(sample.observations, deterministic: false, rng: &rng))).value.mean(axis: 0)
        let (nextActions, _) = agent.actor.sampleWithLogProb(sample.nextObservations, rng: &rng)
        let qNext = agent.critics(Variable(sample.nextObservations), Variable(nextActions)).value.scalars     // [N, B]
        let next = sample.nextObservations.scalars
        var edge = (q: 0.0, std: 0.0, count: 0), interior = (q: 0.0, std: 0.0, count: 0), over = 0
        for b in 0..<rows {
            var mean = 0.0
            for i in 0..<n { mean += Double(qNext[i * rows + b]) }
            mean /= Double(n)
            var variance = 0.0
            for i in 0..<n { variance += (Double(qNext[i * rows + b]) - mean) * (Double(qNext[i * rows + b]) - mean) }
            let std = (variance / Double(n)).squareRoot()
            if mean > task.valueBound { over += 1 }
            if sample.rolloutSteps[b] == Int32(task.rolloutHorizon - 1) && task.isEdgeOfReach(next[2 * b], next[2 * b + 1]) {
                edge = (edge.q + mean, edge.std + std, edge.count + 1)
            } else {
                interior = (interior.q + mean, interior.std + std, interior.count + 1)
            }
        }
        return EdgeOfReachToyEvaluation(
            epoch: epoch, episodeReturn: path.episodeReturn, finalX: last[0], finalY: last[1],
            finalDistanceToGoal: ((last[0] - Double(task.goal[0])) * (last[0] - Double(task.goal[0]))
                                  + (last[1] - Double(task.goal[1])) * (last[1] - Double(task.goal[1]))).squareRoot(),
            maxInfinityNorm: norms.max() ?? 0,
            beyondInteriorFraction: Double(norms.filter { $0 > interiorLimit + 1e-4 }.count) / Double(Swift.max(norms.count, 1)),
            qStartMin: Double(q0.min() ?? 0), qStartMean: q0.map(Double.init).reduce(0, +) / Double(q0.count),
            trueStartValue: path.discountedReturn, optimalStartValue: task.optimalValue(0, 0),
            qMean: Double(qs.mean()), qMax: Double(qs.max()),
            qEdgeMean: edge.count > 0 ? edge.q / Double(edge.count) : nil,
            qInteriorMean: interior.count > 0 ? interior.q / Double(interior.count) : 0,
            stdEdge: edge.count > 0 ? edge.std / Double(edge.count) : nil,
            stdInterior: interior.count > 0 ? interior.std / Double(interior.count) : 0,
            edgeRows: edge.count, interiorRows: interior.count,
            fractionOverBound: Double(over) / Double(rows), alpha: Double(agent.alpha), patchedFraction: nil)
    }

    func valueMap(agent: SACAgent) -> EdgeOfReachToyValueMap {
        let c = configuration, m = c.gridSize, task = c.task
        let coordinates = (0..<m).map { -1.2 + 2.4 * Double($0) / Double(m - 1) }
        var states = [Float]()
        for y in coordinates { for x in coordinates { states += [Float(x), Float(y)] } }
        let s = Tensor(shape: [m * m, 2], scalars: states)
        var unused = RandomGenerator(seed: 0)
        let actions = agent.act(s, deterministic: true, rng: &unused)
        let q = agent.critics(Variable(s), Variable(actions)).value        // [N, M²]
        let mean = q.mean(axis: 0, keepDims: true)
        let std = (q - mean).square().mean(axis: 0).sqrt().scalars
        let a = actions.scalars
        var edge = (0.0, 0), interior = (0.0, 0)
        let interiorLimit = task.interiorLimit, reachLimit = task.interiorLimit + task.stepSize
        for k in 0..<(m * m) {
            let norm = Swift.max(Swift.abs(states[2 * k]), Swift.abs(states[2 * k + 1]))
            if norm <= interiorLimit { interior = (interior.0 + Double(std[k]), interior.1 + 1) }
            else if norm <= reachLimit + 1e-4 { edge = (edge.0 + Double(std[k]), edge.1 + 1) }
        }
        return EdgeOfReachToyValueMap(
            coordinates: coordinates, vMin: q.min(axis: 0).scalars.map(Double.init), vMean: mean.scalars.map(Double.init),
            vStd: std.map(Double.init), actionX: stride(from: 0, to: a.count, by: 2).map { Double(a[$0]) },
            actionY: stride(from: 1, to: a.count, by: 2).map { Double(a[$0]) },
            stdEdgeCells: edge.1 > 0 ? edge.0 / Double(edge.1) : 0, stdInteriorCells: interior.1 > 0 ? interior.0 / Double(interior.1) : 0)
    }
}
