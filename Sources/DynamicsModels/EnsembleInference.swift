import Dispatch

// Tape-free forward passes of the ensemble MLP for sampling and validation: preallocated
// outputs written by BLAS (bias first, then the product accumulates onto it) and fused SiLU
// loops, with no autodiff records.

/// Weights of the members being evaluated: `[M, in, out]` and `[M, 1, out]` per layer.
struct EnsembleWeights {
    var weights: [Tensor]
    var biases: [Tensor]

    /// All members of `network`.
    init(_ network: MLP) {
        weights = network.layers.map { ($0 as! EnsembleLinear).weight.value }
        biases = network.layers.map { ($0 as! EnsembleLinear).bias.value }
    }

    /// The listed members of `network`, in that order.
    init(_ network: MLP, members: [Int]) {
        weights = network.layers.map { ($0 as! EnsembleLinear).weight.value.gather(members, axis: 0) }
        biases = network.layers.map { ($0 as! EnsembleLinear).bias.value.gather(members, axis: 0) }
    }

    var members: Int { weights[0].shape[0] }
    var outputSize: Int { weights[weights.count - 1].shape[2] }
}

/// Raw pointer for worker threads writing disjoint ranges.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
}

enum EnsembleInference {
    /// Every member on the same rows: `[B, in]` → `[M, B, out]`.
    static func forward(_ x: Tensor, _ w: EnsembleWeights) -> Tensor {
        let rows = x.shape[0], members = w.members
        var h = x
        for l in w.weights.indices {
            let out = w.weights[l].shape[2]
            var y = Tensor(uninitializedShape: [members, rows, out])
            fillRows(&y, bias: w.biases[l], groups: (0...members).map { $0 * rows })
            Tensor.parallelGemm(h, w.weights[l], into: &y, alpha: 1, beta: 1)
            if l < w.weights.count - 1 { siluInPlace(&y) }
            h = y
        }
        return h
    }

    /// Row b through member `members[b]` only: `[B, in]` → `[B, out]`. Rows are sorted by member,
    /// run through one grouped product per layer, and put back in their original order.
    static func forwardChosen(_ x: Tensor, members: [Int], _ w: EnsembleWeights) -> Tensor {
        let rows = x.shape[0], count = w.members
        var offsets = [Int](repeating: 0, count: count + 1)
        for m in members { offsets[m + 1] += 1 }
        for m in 0..<count { offsets[m + 1] += offsets[m] }
        var order = [Int](repeating: 0, count: rows)
        var cursor = offsets
        for (row, m) in members.enumerated() { order[cursor[m]] = row; cursor[m] += 1 }
        var h = x.gather(order, axis: 0)
        for l in w.weights.indices {
            let out = w.weights[l].shape[2]
            var y = Tensor(uninitializedShape: [rows, out])
            fillRows(&y, bias: w.biases[l], groups: offsets)
            Tensor.groupedGemm(h, w.weights[l], offsets: offsets, into: &y, alpha: 1, beta: 1)
            if l < w.weights.count - 1 { siluInPlace(&y) }
            h = y
        }
        let width = w.outputSize
        return Tensor(shape: [rows, width]) { result in
            h.withUnsafeBufferPointer { sorted in
                for i in 0..<rows {
                    (result.baseAddress! + order[i] * width).update(from: sorted.baseAddress! + i * width, count: width)
                }
            }
        }
    }

    /// Writes bias row g (`bias [G, 1, out]`) into rows `groups[g] ..< groups[g+1]` of `y` (`[…, out]`).
    static func fillRows(_ y: inout Tensor, bias: Tensor, groups: [Int]) {
        let width = bias.shape[2]
        y.withUnsafeMutableBufferPointer { out in
            bias.withUnsafeBufferPointer { b in
                for g in 0..<(groups.count - 1) {
                    let source = b.baseAddress! + g * width
                    for r in groups[g]..<groups[g + 1] { (out.baseAddress! + r * width).update(from: source, count: width) }
                }
            }
        }
    }

    /// x ← x·σ(x), split across cores for long tensors.
    static func siluInPlace(_ y: inout Tensor) {
        y.withUnsafeMutableBufferPointer { buffer in
            let p = SendablePointer(pointer: buffer.baseAddress!), n = buffer.count
            let workers = n >= 1 << 15 ? ParallelGemm.workers : 1
            let body: @Sendable (Int) -> Void = { w in
                let lo = n * w / workers, hi = n * (w + 1) / workers
                let q = p.pointer
                var i = lo
                // Eight lanes at a time; FastMath's vector exp gives each lane the scalar loop's bits.
                while i + 8 <= hi {
                    let v = UnsafeRawPointer(q + i).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(q + i).storeBytes(of: v / (1 + FastMath.exp(-v)), as: SIMD8<Float>.self)
                    i += 8
                }
                while i < hi { let v = q[i]; q[i] = v / (1 + FastMath.exp(-v)); i += 1 }
            }
            if workers == 1 { body(0) } else { WorkerPool.run(iterations: workers, body) }
        }
    }
}
