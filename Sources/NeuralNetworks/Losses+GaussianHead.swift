import LinearAlgebra

// The probabilistic dynamics head's loss as one recorded operation. Written as separate
// operations (two slices, two soft clamps, the NLL and its reductions) it is about 20 passes
// forward and 30 backward over [E, B, D] tensors that are too small to split across cores; here
// one pass per member computes the loss and every gradient it needs, and the backward pass only
// scales them by the upstream gradient.

/// The Gaussian negative log-likelihood of an output that holds the mean and the raw
/// log-variance side by side, with the log-variance soft-bounded: the same value and gradients as
///
/// ```
/// gaussianNegativeLogLikelihood(mean: output[…, ..<D],
///                               logVariance: softBoundedLogVariance(output[…, D...], max, min),
///                               target: target)
/// ```
/// (`D` is the target's last dimension), computed in one fused pass per ensemble member.
///
/// Under `createGraph`, or when the target's gradient is wanted, the backward pass is that
/// composition's, so double backward works as for the separate operations.
///
/// - Parameters:
///   - output: `[E, B, 2D]` (or `[B, 2D]`): means, then raw log-variances.
///   - target: `[E, B, D]` (or `[B, D]`).
///   - maxLogVariance: the upper bound, `D` elements.
///   - minLogVariance: the lower bound, `D` elements.
/// - Returns: Σₑ mean_{b,j} ((μ − y)²·e^(−log σ²) + log σ²) for an ensemble, the mean for rank 2.
///
/// ### See Also
/// - ``gaussianNegativeLogLikelihood(mean:logVariance:target:)``
/// - ``softBoundedLogVariance(_:maxLogVariance:minLogVariance:)``
public func gaussianNegativeLogLikelihood(output: Variable, target: Variable, maxLogVariance: Variable,
                                          minLogVariance: Variable) -> Variable {
    let d = target.shape.last, rank = output.rank
    precondition((rank == 2 || rank == 3) && target.rank == rank && output.shape.last == 2 * d
                 && (0..<(rank - 1)).allSatisfy { output.shape[$0] == target.shape[$0] },
                 "gaussianNegativeLogLikelihood: output \(output.shape) must be target \(target.shape) with a doubled last axis")
    precondition(maxLogVariance.value.count == d && minLogVariance.value.count == d,
                 "gaussianNegativeLogLikelihood: bounds \(maxLogVariance.shape), \(minLogVariance.shape) for \(d) targets")
    let members = rank == 3 ? output.shape[0] : 1
    let head = GaussianHeadKernel.run(output.value, target.value, maxLogVariance.value, minLogVariance.value,
                                      members: members)
    return Variable.record(Tensor(head.loss), inputs: [output, target, maxLogVariance, minLogVariance],
                           name: "gaussianHeadNLL") { g, c in
        if c.createGraph || c.needsGradient(1) {
            return GaussianHeadKernel.compositeGradients(g, c, d: d)
        }
        let scale = g.value.scalar
        func scaled(_ t: Tensor, _ shape: TensorShape) -> Variable {
            Variable((scale == 1 ? t : t * scale).reshaped(shape))
        }
        return [c.needsGradient(0) ? scaled(head.outputGradient, c.inputShape(0)) : nil, nil,
                c.needsGradient(2) ? scaled(head.maxGradient, c.inputShape(2)) : nil,
                c.needsGradient(3) ? scaled(head.minGradient, c.inputShape(3)) : nil]
    }
}

/// The fused loop of ``gaussianNegativeLogLikelihood(output:target:maxLogVariance:minLogVariance:)``.
enum GaussianHeadKernel {
    struct Result {
        var loss: Float, outputGradient: Tensor, maxGradient: Tensor, minGradient: Tensor
    }

    typealias Lanes = SIMD8<Float>

    /// Eight floats from `p` (fewer at the end of a row, the rest zero).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ count: Int) -> Lanes {
        if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
        var v = Lanes.zero
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// The first `count` lanes of `v` to `p`.
    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self); return }
        for i in 0..<count { p[i] = v[i] }
    }

    /// Loss and the gradients of the loss with respect to output, max and min (upstream 1).
    static func run(_ output: Tensor, _ target: Tensor, _ maxBound: Tensor, _ minBound: Tensor,
                    members: Int) -> Result {
        let d = target.shape.last, rows = target.count / Swift.max(members * d, 1)
        let scale = 1 / Float(rows * d)
        var outputGradient = Tensor(uninitializedShape: output.shape)
        var maxParts = Tensor(uninitializedShape: [members, d]), minParts = Tensor(uninitializedShape: [members, d])
        var lossParts = [Double](repeating: 0, count: members)
        // Raw pointers for the workers; every tensor is kept alive until the end of this function.
        func address(_ t: Tensor) -> UnsafeMutablePointer<Float> {
            t.withUnsafeBufferPointer { UnsafeMutablePointer(mutating: $0.baseAddress!) }
        }
        let p = SendablePointers([
            address(output), address(target), address(maxBound), address(minBound),
            outputGradient.withUnsafeMutableBufferPointer { $0.baseAddress! },
            maxParts.withUnsafeMutableBufferPointer { $0.baseAddress! },
            minParts.withUnsafeMutableBufferPointer { $0.baseAddress! },
        ])
        lossParts.withUnsafeMutableBufferPointer { lossBuffer in
            let losses = UncheckedBox(lossBuffer.baseAddress!)
            // One member per iteration: its sums run over its rows in order, whatever thread runs it.
            WorkerPool.run(iterations: members) { e in
                let o = p.pointers[0] + e * rows * 2 * d, y = p.pointers[1] + e * rows * d
                let hi = p.pointers[2], lo = p.pointers[3], go = p.pointers[4] + e * rows * 2 * d
                let dMax = p.pointers[5] + e * d, dMin = p.pointers[6] + e * d
                // Per-column accumulators, eight columns at a time (lanes past d are padding).
                let chunks = (d + 7) / 8
                let accumulators = UnsafeMutablePointer<Lanes>.allocate(capacity: 3 * chunks)
                defer { accumulators.deallocate() }
                accumulators.initialize(repeating: .zero, count: 3 * chunks)
                let lossAcc = accumulators, maxAcc = accumulators + chunks, minAcc = accumulators + 2 * chunks
                for r in 0..<rows {
                    let orow = o + r * 2 * d, grow = go + r * 2 * d, yrow = y + r * d
                    for k in 0..<chunks {
                        let j = 8 * k, w = Swift.min(8, d - j)
                        let hiV = load(hi + j, w), loV = load(lo + j, w)
                        // l = min + softplus(u − min),  u = max − softplus(max − raw)   (PETS A.1)
                        let a = hiV - load(orow + d + j, w)
                        let (spA, sA) = FastMath.softplusAndSigmoid(a)
                        let b = (hiV - spA) - loV
                        let (spB, sB) = FastMath.softplusAndSigmoid(b)
                        let l = loV + spB
                        let inverse = FastMath.exp(-l), diff = load(orow + j, w) - load(yrow + j, w)
                        let weighted = diff * diff * inverse
                        let gl = scale * (1 - weighted)               // ∂/∂l of (μ − y)²e^(−l) + l
                        let gu = gl * sB
                        store(scale * 2 * diff * inverse, grow + j, w)
                        store(gu * sA, grow + d + j, w)
                        lossAcc[k] += weighted + l
                        maxAcc[k] += gu * (1 - sA)
                        minAcc[k] += gl * (1 - sB)
                    }
                }
                var loss = 0.0
                for j in 0..<d {
                    loss += Double(lossAcc[j / 8][j % 8])
                    dMax[j] = maxAcc[j / 8][j % 8]
                    dMin[j] = minAcc[j / 8][j % 8]
                }
                losses.value[e] = loss
            }
        }
        // Members summed in order, so the result does not depend on the thread count.
        var maxGradient = Tensor.zeros([d]), minGradient = Tensor.zeros([d])
        maxGradient.withUnsafeMutableBufferPointer { mx in
            minGradient.withUnsafeMutableBufferPointer { mn in
                for e in 0..<members {
                    for j in 0..<d { mx[j] += p.pointers[5][e * d + j]; mn[j] += p.pointers[6][e * d + j] }
                }
            }
        }
        var total = 0.0
        for e in 0..<members { total += lossParts[e] * Double(scale) }
        withExtendedLifetime((output, target, maxBound, minBound, maxParts, minParts)) {}
        return Result(loss: Float(total), outputGradient: outputGradient, maxGradient: maxGradient, minGradient: minGradient)
    }

    /// The backward pass of the separate operations, for double backward and target gradients.
    static func compositeGradients(_ g: Variable, _ c: BackwardContext, d: Int) -> [Variable?] {
        let inputs = (0..<4).map { i in c.createGraph ? c.input(i) : Variable(c.inputValue(i), requiresGrad: true) }
        let o = inputs[0]
        let logVariance = softBoundedLogVariance(o.slice(d..<(2 * d), axis: -1), maxLogVariance: inputs[2],
                                                 minLogVariance: inputs[3])
        let loss = gaussianNegativeLogLikelihood(mean: o.slice(0..<d, axis: -1), logVariance: logVariance, target: inputs[1])
        let wanted = (0..<4).filter { c.needsGradient($0) }
        let found = gradients(of: loss, withRespectTo: wanted.map { inputs[$0] }, seed: g, createGraph: c.createGraph)
        var result = [Variable?](repeating: nil, count: 4)
        for (k, i) in wanted.enumerated() { result[i] = found[k] }
        return result
    }
}
