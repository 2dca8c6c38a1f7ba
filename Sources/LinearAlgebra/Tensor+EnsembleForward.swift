import CArmadillo
import Synchronization

// The tape-free forward pass of an ensemble MLP (model rollouts, validation), cut into blocks of
// rows that each go through every layer while their activations are still in cache: the bias
// fill, the product and the SiLU of a 256-row block touch a few hundred kilobytes, where whole
// layers ([7, 2,000, 200] floats, 11 MB) went through memory three times per layer. Blocks are
// claimed by the workers one at a time, so seven members balance on two cores.

/// Rows of one member's pass in ``Tensor/ensembleSiLUForward(_:weights:biases:blocks:outputRows:)``.
public struct EnsembleRowBlock: Sendable, Equatable {
    /// The member whose weights this block uses.
    public var member: Int
    /// First input row.
    public var inputRow: Int
    /// First output row.
    public var outputRow: Int
    /// Number of rows.
    public var rows: Int

    /// A block.
    public init(member: Int, inputRow: Int, outputRow: Int, rows: Int) {
        self.member = member
        self.inputRow = inputRow
        self.outputRow = outputRow
        self.rows = rows
    }

    /// Every member on the same `rows` input rows, in blocks of at most `blockRows` rows: member
    /// m's rows go to output rows `m·rows ..< (m+1)·rows` (an `[M, rows, out]` result).
    public static func everyMember(_ members: Int, rows: Int, blockRows: Int = 256) -> [EnsembleRowBlock] {
        groups((0..<members).map { (member: $0, inputRow: 0, outputRow: $0 * rows, rows: rows) }, blockRows: blockRows)
    }

    /// Contiguous groups of rows, each through its own member, cut into blocks of at most
    /// `blockRows` rows of nearly equal size.
    public static func groups(_ groups: [(member: Int, inputRow: Int, outputRow: Int, rows: Int)],
                              blockRows: Int = 256) -> [EnsembleRowBlock] {
        precondition(blockRows > 0, "EnsembleRowBlock: blockRows must be positive")
        var blocks: [EnsembleRowBlock] = []
        for g in groups where g.rows > 0 {
            let count = (g.rows + blockRows - 1) / blockRows
            for b in 0..<count {
                let r0 = g.rows * b / count, r1 = g.rows * (b + 1) / count
                blocks.append(EnsembleRowBlock(member: g.member, inputRow: g.inputRow + r0, outputRow: g.outputRow + r0, rows: r1 - r0))
            }
        }
        return blocks
    }
}

/// The next block to claim, shared by the workers.
private final class BlockCounter: Sendable {
    let next = Atomic<Int>(0)
    func claim() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Raw operands handed to the workers (each writes only its blocks' output rows).
private struct ForwardPointers: @unchecked Sendable {
    let input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    let weights: [UnsafeMutablePointer<Float>], biases: [UnsafeMutablePointer<Float>]
}

extension Tensor {
    /// An ensemble MLP's forward pass without autodiff: each block's rows of `x` (`[B, in]`)
    /// through its member's layers (`weights[l]` `[M, in_l, out_l]`, `biases[l]` `[M, 1, out_l]`,
    /// SiLU between layers, none after the last), into rows of an `[outputRows, out_last]` result.
    ///
    /// Every output row is computed the same way whichever thread claims its block (one
    /// single-threaded BLAS product per layer and block, then SiLU as v / (1 + e^(−v)) with
    /// `FastMath.exp`'s operations), so results do not depend on the number of workers. Rows no
    /// block writes are left uninitialised.
    public static func ensembleSiLUForward(_ x: Tensor, weights: [Tensor], biases: [Tensor],
                                           blocks: [EnsembleRowBlock], outputRows: Int) -> Tensor {
        precondition(!weights.isEmpty && weights.count == biases.count, "ensembleSiLUForward: one bias per weight")
        precondition(x.rank == 2 && x.shape[1] == weights[0].shape[1],
                     "ensembleSiLUForward: input \(x.shape) for weights \(weights[0].shape)")
        let members = weights[0].shape[0]
        for l in weights.indices {
            precondition(weights[l].rank == 3 && weights[l].shape[0] == members && biases[l].shape == [members, 1, weights[l].shape[2]],
                         "ensembleSiLUForward: layer \(l) has weight \(weights[l].shape) and bias \(biases[l].shape)")
            precondition(l == 0 || weights[l].shape[1] == weights[l - 1].shape[2], "ensembleSiLUForward: layer \(l) does not chain")
        }
        for b in blocks {
            precondition((0..<members).contains(b.member) && b.rows >= 0 && b.inputRow >= 0 && b.inputRow + b.rows <= x.shape[0]
                         && b.outputRow >= 0 && b.outputRow + b.rows <= outputRows, "ensembleSiLUForward: block \(b) out of range")
        }
        let outWidth = weights[weights.count - 1].shape[2]
        let result = Tensor(uninitializedShape: [outputRows, outWidth])
        let largest = blocks.map(\.rows).max() ?? 0
        guard largest > 0 else { return result }
        let widest = weights.map { $0.shape[2] }.max()!
        let workers = ParallelGemm.isActive ? Swift.min(ParallelGemm.workers, blocks.count) : 1
        let perWorker = 2 * largest * widest
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * perWorker)
        defer { scratch.deallocate() }
        let p = ForwardPointers(input: x.storage.pointer, output: result.storage.pointer, scratch: scratch,
                                weights: weights.map(\.storage.pointer), biases: biases.map(\.storage.pointer))
        let shapes = weights.map { (input: $0.shape[1], output: $0.shape[2]) }
        let counter = BlockCounter()
        WorkerPool.run(iterations: workers) { worker in
            let buffers = p.scratch + worker * perWorker
            while true {
                let index = counter.claim()
                if index >= blocks.count { break }
                let block = blocks[index], n = block.rows
                if n == 0 { continue }
                var source = p.input + block.inputRow * shapes[0].input
                for (l, shape) in shapes.enumerated() {
                    let last = l == shapes.count - 1
                    let target = last ? p.output + block.outputRow * outWidth : buffers + (l % 2) * largest * widest
                    let bias = p.biases[l] + block.member * shape.output
                    for r in 0..<n { (target + r * shape.output).update(from: bias, count: shape.output) }
                    orl_sgemm(0, 0, Int32(n), Int32(shape.output), Int32(shape.input), 1, source, Int32(shape.input),
                              p.weights[l] + block.member * shape.input * shape.output, Int32(shape.output),
                              1, target, Int32(shape.output))
                    if !last { orl_silu_inference_in_place(target, n * shape.output) }
                    source = target
                }
            }
        }
        withExtendedLifetime((x, weights, biases)) {}
        return result
    }
}
