// Training of the ensemble, line for line OfflineRL-Kit's `EnsembleDynamics.train/learn/validate`
// (yihaosun1124/OfflineRL-Kit, offlinerlkit/dynamics/ensemble_dynamics.py).

/// One epoch of ``DynamicsEnsemble/fit(observations:actions:nextObservations:rewards:rng:progress:)``.
public struct DynamicsEpochReport: Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's mini-batches (NLL summed over members + bound term +
    /// weight decay unless decoupled; MSE for the deterministic model).
    public var trainLoss: Double
    /// This epoch's holdout MSE of each member's mean, `[E]`.
    public var holdoutMeanSquaredErrors: [Float]
    /// Mean of the `elites` smallest holdout MSEs (Kit's logged `holdout_loss`).
    public var holdoutLoss: Double
    /// Members whose snapshot was updated this epoch (relative improvement above the threshold).
    public var improvedMembers: [Int]
    /// Epochs in a row without improvement.
    public var epochsSinceUpdate: Int
    /// Seconds since training started.
    public var elapsedSeconds: Double
}

/// How training ended.
public enum DynamicsStopReason: String, Sendable, Codable {
    /// No member improved for `maxEpochsSinceUpdate` epochs (early stopping).
    case noImprovement
    /// The epoch cap was reached.
    case maxEpochs
    /// The wall-time cap was reached.
    case maxWallTime
}

/// The outcome of a fit.
public struct DynamicsFitSummary: Sendable {
    /// Epochs run.
    public var epochs: Int
    /// Why training stopped.
    public var stopReason: DynamicsStopReason
    /// Each member's best holdout MSE (the snapshot restored), `[E]`.
    public var holdoutErrors: [Float]
    /// The elites, lowest best holdout MSE first.
    public var elites: [Int]
    /// Training and holdout sizes.
    public var trainCount: Int, holdoutCount: Int
    /// Seconds spent.
    public var elapsedSeconds: Double
}

extension DynamicsEnsemble {
    /// Fits the model to the dynamics view of a dataset (`dataset.dynamicsTransitions()`, whose
    /// `s'` is the stored next observation even at terminal rows).
    @discardableResult
    public func fit(_ transitions: Transitions, rng: inout RandomGenerator,
                    resumingFrom state: DynamicsFitState? = nil,
                    progress: ((DynamicsEpochReport) -> Void)? = nil,
                    checkpoint: ((DynamicsFitState) throws(DynamicsModelError) -> Void)? = nil) throws(DynamicsModelError) -> DynamicsFitSummary {
        try fit(observations: transitions.observations, actions: transitions.actions,
                nextObservations: transitions.nextObservations, rewards: transitions.rewards, rng: &rng,
                resumingFrom: state, progress: progress, checkpoint: checkpoint)
    }

    /// Trains every member with bootstrapped mini-batches and early stopping on a holdout set,
    /// then restores each member's best snapshot and picks the elites (ensemble_dynamics.py `train`).
    ///
    /// ```
    /// inputs x = [s, a],  targets y = [s' − s, r]  (not normalised)
    /// holdout H = min(⌊0.2·N⌋, 1000) rows of a random split; scaler fitted on the rest (σ < 1e-12 → 1)
    /// idx[e] = N_train draws with replacement (bootstrap), rows reshuffled after every epoch
    /// per mini-batch of 256 rows per member:
    ///   L = Σ_e mean_{b,d}[(μ − y)²·e^(−log σ²) + log σ²] + Σ_l λ_l·½‖W_l‖² + 0.01·(Σ max − Σ min)
    ///   (deterministic: L = Σ_e mean_{b,d}(μ − y)² + Σ_l λ_l·½‖W_l‖²);  one Adam step
    /// holdout MSE_e = mean_{b,d}(μ_e − y)²
    /// member e improves if (best_e − MSE_e)/best_e > 0.01 (best starts at 1e10): snapshot its weights
    /// stop when no member improved for 5 epochs, or at the epoch or wall-time cap
    /// elites = the K members with the lowest best MSE; every member's snapshot is restored
    /// ```
    /// As in Kit, the snapshots hold the layers' weights and biases; the log-variance bounds keep
    /// their final values. The fit holds OpenBLAS at one thread (``LinearAlgebra/BLASRuntime/beginSingleThreaded()``)
    /// and splits products across cores itself.
    ///
    /// - Parameters:
    ///   - observations: s, `[N, obs]`.
    ///   - actions: a, `[N, act]`.
    ///   - nextObservations: s', `[N, obs]`.
    ///   - rewards: r, `[N]`.
    ///   - rng: draws the split, bootstrap indices and shuffles.
    ///   - state: continue an interrupted fit: the state its `checkpoint` received, with the model
    ///     and optimizer loaded from the same file (``loadFitState(from:)``), and `rng` as it was
    ///     when that fit began. The result equals an uninterrupted fit's.
    ///   - progress: called after every epoch.
    ///   - checkpoint: called after every epoch that training continues past, with the loop state
    ///     to save (``saveFitState(_:to:)``); an error it throws ends the fit.
    /// - Returns: epochs, stop reason, holdout errors and elites.
    /// - Throws: ``DynamicsModelError/shapeMismatch(name:expected:found:)``,
    ///   ``DynamicsModelError/notEnoughData(transitions:needed:)``, a `state` that does not fit this
    ///   data (``DynamicsModelError/checkpoint(file:problem:)``), or the checkpoint callback's error.
    @discardableResult
    public func fit(observations: Tensor, actions: Tensor, nextObservations: Tensor, rewards: Tensor,
                    rng: inout RandomGenerator,
                    resumingFrom state: DynamicsFitState? = nil,
                    progress: ((DynamicsEpochReport) -> Void)? = nil,
                    checkpoint: ((DynamicsFitState) throws(DynamicsModelError) -> Void)? = nil) throws(DynamicsModelError) -> DynamicsFitSummary {
        let n = observations.rank == 2 ? observations.shape[0] : -1
        let o = observationDimension, a = actionDimension
        func check(_ name: String, _ t: Tensor, _ expected: [Int]) throws(DynamicsModelError) {
            guard t.shape.dimensions == expected else { throw .shapeMismatch(name: name, expected: expected, found: t.shape.dimensions) }
        }
        try check("observations", observations, [max(n, 0), o])
        try check("actions", actions, [n, a])
        try check("nextObservations", nextObservations, [n, o])
        try check("rewards", rewards, [n])
        // Members split across cores by Tensor.parallelGemm on one BLAS thread: a counted hold, so
        // the thread count other code in the process sets does not change this fit's bits.
        BLASRuntime.beginSingleThreaded()
        defer { BLASRuntime.endSingleThreaded() }
        // Values whose squares overflow Float32 (or NaN, ±∞) make the loss NaN three steps later;
        // refuse them here, naming the row.
        for (name, t) in [("observations", observations), ("actions", actions), ("nextObservations", nextObservations),
                          ("rewards", rewards)] {
            if let (row, value) = Self.firstUnusable(t) { throw .unusableValue(name: name, row: row, value: value) }
        }
        let c = configuration
        let holdout = min(Int(Double(n) * c.holdoutRatio), c.maxHoldout)
        let train = n - holdout
        guard holdout >= 1, train >= 1 else { throw .notEnoughData(transitions: n, needed: Int((1 / c.holdoutRatio).rounded(.up)) + 1) }
        let clock = ContinuousClock(), start = clock.now
        let secondsBefore = state?.elapsedSeconds ?? 0
        func elapsed() -> Double {
            let t = (clock.now - start).components
            return secondsBefore + Double(t.seconds) + Double(t.attoseconds) * 1e-18
        }

        // Split, scaler, targets.
        let inputs = Tensor.concatenate([observations, actions], axis: 1)                          // [N, in]
        let targets = Tensor.concatenate([nextObservations - observations, rewards.reshaped([n, 1])], axis: 1)  // [N, D]
        let permutation = rng.permutation(n)
        let trainRows = Array(permutation[0..<train]), holdoutRows = Array(permutation[train...])
        let scaler = StandardScaler(fitting: inputs.gather(trainRows, axis: 0))
        network.update(parameters: ["inputMean": scaler.mean, "inputStd": scaler.std])
        let trainInputs = scaler.transform(inputs.gather(trainRows, axis: 0))
        let trainTargets = targets.gather(trainRows, axis: 0)
        let holdoutInputs = scaler.transform(inputs.gather(holdoutRows, axis: 0))
        let holdoutTargets = targets.gather(holdoutRows, axis: 0)

        // Bootstrap indices, one row per member.
        let members = c.members
        var indices = (0..<members).map { _ in (0..<train).map { _ in rng.integer(below: train) } }
        func shuffle() { for e in 0..<members { indices[e] = rng.permutation(train).map { indices[e][$0] } } }   // shuffle_rows
        var best = [Double](repeating: 1e10, count: members)
        let layers = network.linearLayers
        var snapshot = layers.map { ($0.weight.value, $0.bias.value) }
        var epoch = 0, sinceUpdate = 0
        if let state {
            guard state.trainCount == train, state.bestErrors.count == members, state.snapshotWeights.count == layers.count,
                  state.snapshotBiases.count == layers.count, state.epoch >= 0 else {
                throw .checkpoint(file: "(fit state)", problem: "a fit of \(state.trainCount) training rows and \(state.bestErrors.count) members cannot continue on \(train) rows and \(members) members")
            }
            for _ in 0..<state.epoch { shuffle() }      // the same generator state and row order as before the stop
            epoch = state.epoch
            sinceUpdate = state.epochsSinceUpdate
            best = state.bestErrors.map(Double.init)
            snapshot = Array(zip(state.snapshotWeights, state.snapshotBiases))
        }
        var stop: DynamicsStopReason
        while true {
            epoch += 1
            let trainLoss = learnEpoch(inputs: trainInputs, targets: trainTargets, indices: indices)
            let errors = holdoutErrors(inputs: holdoutInputs, targets: holdoutTargets)
            shuffle()
            var improved = [Int]()
            for e in 0..<members {
                let new = Double(errors[e])
                if (best[e] - new) / best[e] > c.improvementThreshold {
                    improved.append(e)
                    best[e] = new
                }
            }
            if improved.isEmpty {
                sinceUpdate += 1
            } else {
                sinceUpdate = 0
                for (l, layer) in layers.enumerated() {
                    for e in improved {
                        snapshot[l].0.assignSlice(e..<(e + 1), axis: 0, from: layer.weight.value.slice(e..<(e + 1), axis: 0))
                        snapshot[l].1.assignSlice(e..<(e + 1), axis: 0, from: layer.bias.value.slice(e..<(e + 1), axis: 0))
                    }
                }
            }
            if !trainLoss.isFinite || errors.contains(where: { !$0.isFinite }) {
                let quantity = trainLoss.isFinite ? "holdout mean squared error of member \(errors.firstIndex { !$0.isFinite }!)" : "training loss"
                throw .nonFinite(phase: "dynamics fit", epoch: epoch, quantity: quantity)
            }
            let sorted = errors.sorted()
            let holdoutLoss = sorted[0..<c.elites].reduce(0.0) { $0 + Double($1) } / Double(c.elites)
            let seconds = elapsed()
            progress?(DynamicsEpochReport(epoch: epoch, trainLoss: trainLoss, holdoutMeanSquaredErrors: errors,
                                          holdoutLoss: holdoutLoss, improvedMembers: improved,
                                          epochsSinceUpdate: sinceUpdate, elapsedSeconds: seconds))
            if sinceUpdate >= c.maxEpochsSinceUpdate { stop = .noImprovement; break }
            if let cap = c.maxEpochs, epoch >= cap { stop = .maxEpochs; break }
            if let cap = c.maxWallTimeSeconds, seconds >= cap { stop = .maxWallTime; break }
            try checkpoint?(DynamicsFitState(epoch: epoch, epochsSinceUpdate: sinceUpdate, bestErrors: best.map(Float.init),
                                             snapshotWeights: snapshot.map(\.0), snapshotBiases: snapshot.map(\.1),
                                             trainCount: train, elapsedSeconds: seconds))
        }

        // Elites by best holdout error; restore every member's best snapshot (load_save).
        let eliteIndices = (0..<members).sorted { (best[$0], $0) < (best[$1], $1) }.prefix(c.elites)
        var values = [String: Tensor]()
        for l in layers.indices {
            values["network.layers.\(l).weight"] = snapshot[l].0
            values["network.layers.\(l).bias"] = snapshot[l].1
        }
        values["elites"] = Tensor(eliteIndices.map(Float.init))
        network.update(parameters: values)
        parametersDidChange()
        let bestErrors = best.map(Float.init)
        holdoutErrors = bestErrors
        return DynamicsFitSummary(epochs: epoch, stopReason: stop, holdoutErrors: bestErrors, elites: Array(eliteIndices),
                                  trainCount: train, holdoutCount: holdout, elapsedSeconds: elapsed())
    }

    /// One pass over the bootstrapped rows in mini-batches (ensemble_dynamics.py `learn`); returns the mean loss.
    func learnEpoch(inputs: Tensor, targets: Tensor, indices: [[Int]]) -> Double {
        let train = inputs.shape[0], batch = configuration.batchSize
        var total = 0.0, batches = 0
        var begin = 0
        while begin < train {
            let end = min(begin + batch, train)
            let x = Self.gatherMembers(inputs, indices, begin..<end)    // [E, b, in]
            let y = Self.gatherMembers(targets, indices, begin..<end)   // [E, b, D]
            total += Double(trainStep(inputs: x, targets: y))
            batches += 1
            begin = end
        }
        return total / Double(max(batches, 1))
    }

    /// The fit's loss on normalised inputs (`[E, b, obs + act]`, or `[b, obs + act]` for the same
    /// rows in every member) and targets `[E, b, obs + 1]`: the Gaussian NLL with the soft
    /// log-variance bounds and their penalty (or the squared error of a deterministic ensemble),
    /// plus Kit's L2 term ½λ_l‖W_l‖² per layer when `weightDecayInLoss`.
    public func trainingLoss(inputs: Tensor, targets: Tensor, weightDecayInLoss: Bool) -> Variable {
        let output = network.network(Variable(inputs))                           // [E, b, W]
        var loss: Variable
        if configuration.probabilistic {
            // One fused pass: the same as the NLL of mean and softBoundedLogVariance(output[…, d...]).
            loss = gaussianNegativeLogLikelihood(output: output, target: Variable(targets),
                                                 maxLogVariance: network.maxLogVariance,
                                                 minLogVariance: network.minLogVariance)
                + logVarianceBoundPenalty(maxLogVariance: network.maxLogVariance, minLogVariance: network.minLogVariance,
                                          coefficient: configuration.logVarianceLossCoefficient)
        } else {
            let members = output.shape[0]
            loss = (output - Variable(targets)).square().reshaped([members, -1]).mean(axis: 1).sum()
        }
        if weightDecayInLoss {
            for (layer, decay) in zip(network.linearLayers, configuration.weightDecays) where decay != 0 {
                loss = loss + layer.weight.square().sum() * (0.5 * decay)         // get_decay_loss
            }
        }
        return loss
    }

    /// One optimizer step (Adam, or AdamW under decoupled decay) on a mini-batch with each member's
    /// own rows: normalised inputs `[E, b, obs + act]` and targets `[E, b, obs + 1]`. Returns the
    /// loss before the step.
    @discardableResult
    public func trainStep(inputs: Tensor, targets: Tensor) -> Float {
        let loss = trainingLoss(inputs: inputs, targets: targets, weightDecayInLoss: false)
        let parameters = optimizer.parameters
        for (p, g) in zip(parameters, gradients(of: loss, withRespectTo: parameters)) { p.grad = g.value }
        let decayLoss = configuration.weightDecayStyle == .decoupled ? 0 : addWeightDecayGradients()
        optimizer.step()
        return loss.scalar + decayLoss
    }

    /// Kit's L2 term ½Σ_l λ_l‖W_l‖² (`get_decay_loss`) applied outside the graph: adds its gradient
    /// λ_l·W_l to each weight's gradient and returns its value. The same loss and gradient as
    /// `trainingLoss(…, weightDecayInLoss: true)`, without square/sum/backward nodes on `[E, in, out]`
    /// tensors (about an eighth of a Kit-sized fit step). Call it after the graph's gradients are
    /// stored in the weights' `grad` and before the optimizer's step.
    public func addWeightDecayGradients() -> Float {
        var total: Float = 0
        for (layer, decay) in zip(network.linearLayers, configuration.weightDecays) where decay != 0 {
            let weight = layer.weight.value
            total += 0.5 * decay * weight.sumOfSquares()
            if layer.weight.grad == nil { layer.weight.grad = Tensor.zeros(weight.shape) }
            layer.weight.grad!.addScaled(weight, alpha: decay)
        }
        return total
    }

    /// Each member's holdout MSE of its mean on normalised inputs (ensemble_dynamics.py `validate`).
    func holdoutErrors(inputs: Tensor, targets: Tensor) -> [Float] {
        let output = EnsembleInference.forward(inputs, EnsembleWeights(network.network))   // [E, H, W]
        let members = output.shape[0], rows = output.shape[1], width = output.shape[2], d = targetDimension
        return output.withUnsafeBufferPointer { out in
            targets.withUnsafeBufferPointer { y in
                (0..<members).map { e in
                    var sum = 0.0
                    for r in 0..<rows {
                        for j in 0..<d { let diff = Double(out[(e * rows + r) * width + j] - y[r * d + j]); sum += diff * diff }
                    }
                    return Float(sum / Double(rows * d))
                }
            }
        }
    }

    /// `[E, end − begin, width]` with member e's rows `source[indices[e][begin..<end]]`.
    static func gatherMembers(_ source: Tensor, _ indices: [[Int]], _ range: Range<Int>) -> Tensor {
        let width = source.shape[1], members = indices.count, count = range.count
        return Tensor(shape: [members, count, width]) { out in
            source.withUnsafeBufferPointer { src in
                for e in 0..<members {
                    for (j, i) in indices[e][range].enumerated() {
                        (out.baseAddress! + (e * count + j) * width).update(from: src.baseAddress! + i * width, count: width)
                    }
                }
            }
        }
    }
}

extension DynamicsEnsemble {
    /// The largest magnitude a training value may have: its square, summed over a batch, stays
    /// finite in Float32 (3.4e38).
    public static let largestUsableMagnitude: Float = 1e15

    /// The first row of `t` holding NaN, ±∞ or a magnitude above ``largestUsableMagnitude``, with the value.
    static func firstUnusable(_ t: Tensor) -> (row: Int, value: Float)? {
        let width = t.rank > 1 ? t.shape.dimensions.dropFirst().reduce(1, *) : 1
        let limit = largestUsableMagnitude
        return t.withUnsafeBufferPointer { values -> (Int, Float)? in
            for (index, value) in values.enumerated() where !(abs(value) <= limit) { return (index / max(width, 1), value) }
            return nil
        }
    }
}
