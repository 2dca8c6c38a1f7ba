// Tape-free forward passes of the ensemble MLP for sampling and validation, with no autodiff
// records: `Tensor.ensembleSiLUForward` takes each block of rows through every layer in cache.

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

enum EnsembleInference {
    /// Every member on the same rows: `[B, in]` → `[M, B, out]`, in cache-sized row blocks.
    static func forward(_ x: Tensor, _ w: EnsembleWeights) -> Tensor {
        let rows = x.shape[0], members = w.members
        return Tensor.ensembleSiLUForward(x, weights: w.weights, biases: w.biases,
                                          blocks: EnsembleRowBlock.everyMember(members, rows: rows),
                                          outputRows: members * rows)
            .reshaped([members, rows, w.outputSize])
    }

    /// Row b through member `members[b]` only: `[B, in]` → `[B, out]`. Rows are sorted by member,
    /// run through their member's layers in cache-sized blocks, and put back in their original order.
    static func forwardChosen(_ x: Tensor, members: [Int], _ w: EnsembleWeights) -> Tensor {
        let rows = x.shape[0], count = w.members
        var offsets = [Int](repeating: 0, count: count + 1)
        for m in members { offsets[m + 1] += 1 }
        for m in 0..<count { offsets[m + 1] += offsets[m] }
        var order = [Int](repeating: 0, count: rows)
        var cursor = offsets
        for (row, m) in members.enumerated() { order[cursor[m]] = row; cursor[m] += 1 }
        let sortedInput = x.gather(order, axis: 0)
        let groups = (0..<count).map { (member: $0, inputRow: offsets[$0], outputRow: offsets[$0], rows: offsets[$0 + 1] - offsets[$0]) }
        let h = Tensor.ensembleSiLUForward(sortedInput, weights: w.weights, biases: w.biases,
                                           blocks: EnsembleRowBlock.groups(groups), outputRows: rows)
        let width = w.outputSize
        return Tensor(shape: [rows, width]) { result in
            h.withUnsafeBufferPointer { sorted in
                for i in 0..<rows {
                    (result.baseAddress! + order[i] * width).update(from: sorted.baseAddress! + i * width, count: width)
                }
            }
        }
    }
}
