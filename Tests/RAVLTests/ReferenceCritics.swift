import Foundation
import RAVL

/// A ReLU critic ensemble written out in Double, independent of the library's autodiff: the
/// forward pass, the action-gradients, EDAC's diversity term, its closed-form parameter gradient
/// (Sources/RAVL/RAVL.docc/ReachAwareValueLearning.md) and central finite differences.
struct ReferenceCritics {
    /// `weights[l][n]` is member n's layer l as `[in][out]` (x@W + b); `biases[l][n]` is `[out]`.
    var weights: [[[[Double]]]]
    var biases: [[[Double]]]
    let stateDimension: Int

    var members: Int { weights[0].count }
    var layerCount: Int { weights.count }

    /// The reference test vector: N = 3, S = 2, A = 2, H = 5, two hidden layers.
    static func testVector() -> (critics: ReferenceCritics, states: [[Double]], actions: [[Double]]) {
        let sizes = [4, 5, 5, 1]
        var w = [[[[Double]]]](), b = [[[Double]]]()
        for l in 0..<3 {
            w.append((0..<3).map { n in
                (0..<sizes[l]).map { i in (0..<sizes[l + 1]).map { j in 0.5 * sin(Double(1 + n + 2 * i + 3 * j + 5 * l)) } }
            })
            b.append((0..<3).map { n in (0..<sizes[l + 1]).map { j in 0.1 + 0.05 * cos(Double(1 + n + 7 * j + 11 * l)) } })
        }
        let s = (0..<2).map { bb in (0..<2).map { k in 0.3 * sin(Double(bb + 2 * k + 1)) } }
        let a = (0..<2).map { bb in (0..<2).map { k in 0.7 * cos(Double(3 * bb + k + 1)) } }
        return (ReferenceCritics(weights: w, biases: b, stateDimension: 2), s, a)
    }

    /// Random weights for `sizes` (input first, output 1) and `members`.
    static func random(sizes: [Int], members: Int, stateDimension: Int, rng: inout RandomGenerator) -> ReferenceCritics {
        var w = [[[[Double]]]](), b = [[[Double]]]()
        for l in 0..<(sizes.count - 1) {
            let bound = 1 / Double(sizes[l]).squareRoot()
            w.append((0..<members).map { _ in
                (0..<sizes[l]).map { _ in (0..<sizes[l + 1]).map { _ in Double(rng.uniform(-1, 1)) * bound * 1.5 } }
            })
            b.append((0..<members).map { _ in (0..<sizes[l + 1]).map { _ in Double(rng.uniform(-1, 1)) * 0.2 } })
        }
        return ReferenceCritics(weights: w, biases: b, stateDimension: stateDimension)
    }

    /// Loads these weights, rounded to Float, into a library ensemble of the same shape.
    func load(into critics: CriticEnsemble) {
        for l in 0..<layerCount {
            let layer = critics.network.layers[l] as! EnsembleLinear
            let w = weights[l].flatMap { $0.flatMap { $0 } }.map(Float.init)
            let b = biases[l].flatMap { $0 }.map(Float.init)
            layer.weight.value = Tensor(shape: layer.weight.shape, scalars: w)
            layer.bias.value = Tensor(shape: layer.bias.shape, scalars: b)
        }
    }

    /// Member n's Q, its ReLU masks per hidden layer, and its backward vectors δ_l = ∂Q/∂h_l-preactivation.
    func forward(_ n: Int, _ x: [Double]) -> (q: Double, masks: [[Bool]], deltas: [[Double]]) {
        var h = x, masks = [[Bool]]()
        for l in 0..<layerCount {
            let w = weights[l][n], out = w[0].count
            var z = biases[l][n]
            for j in 0..<out { for i in 0..<h.count { z[j] += h[i] * w[i][j] } }
            if l == layerCount - 1 { h = z; break }
            masks.append(z.map { $0 > 0 })
            h = z.map { Swift.max($0, 0) }
        }
        // δ for the last hidden layer, then backwards.
        let hidden = layerCount - 1
        var deltas = [[Double]](repeating: [], count: hidden)
        deltas[hidden - 1] = (0..<masks[hidden - 1].count).map { p in masks[hidden - 1][p] ? weights[hidden][n][p][0] : 0 }
        if hidden >= 2 {
            for l in stride(from: hidden - 2, through: 0, by: -1) {
                let w = weights[l + 1][n]
                deltas[l] = (0..<masks[l].count).map { p in
                    masks[l][p] ? (0..<deltas[l + 1].count).reduce(0) { $0 + w[p][$1] * deltas[l + 1][$1] } : 0
                }
            }
        }
        return (h[0], masks, deltas)
    }

    /// ∇ₐQₙ at x = [s; a].
    func actionGradient(_ n: Int, _ x: [Double]) -> [Double] {
        let d = forward(n, x).deltas[0], w = weights[0][n]
        return (stateDimension..<x.count).map { i in (0..<d.count).reduce(0) { $0 + w[i][$1] * d[$1] } }
    }

    /// L_div = 1/(N−1) · mean_b Σ_{i≠j} ⟨uᵢ, u_j⟩, u = g/(‖g‖ + 1e-10), written as the double sum.
    func diversity(states: [[Double]], actions: [[Double]]) -> Double {
        let n = members
        var total = 0.0
        for b in 0..<states.count {
            let u = (0..<n).map { m -> [Double] in
                let g = actionGradient(m, states[b] + actions[b])
                let r = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return g.map { $0 / (r + 1e-10) }
            }
            for i in 0..<n { for j in 0..<n where i != j { total += zip(u[i], u[j]).reduce(0) { $0 + $1.0 * $1.1 } } }
        }
        return total / Double(states.count) / Double(n - 1)
    }

    /// ∂L_div/∂W_l for every layer, by the closed form (masks held constant).
    func closedFormWeightGradients(states: [[Double]], actions: [[Double]]) -> [[[[Double]]]] {
        let n = members, bCount = states.count, eps = 1e-10
        var grads = weights.map { $0.map { $0.map { $0.map { _ in 0.0 } } } }
        for b in 0..<bCount {
            let x = states[b] + actions[b]
            let passes = (0..<n).map { forward($0, x) }
            let g = (0..<n).map { actionGradient($0, x) }
            let r = g.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            let u = (0..<n).map { m in g[m].map { $0 / (r[m] + eps) } }
            let sumU = (0..<g[0].count).map { k in (0..<n).reduce(0) { $0 + u[$1][k] } }
            for m in 0..<n {
                let v = (0..<sumU.count).map { k in 2 / (Double(bCount) * Double(n - 1)) * (sumU[k] - u[m][k]) }
                let gv = zip(g[m], v).reduce(0) { $0 + $1.0 * $1.1 }
                let gBar = (0..<v.count).map { k in v[k] / (r[m] + eps) - gv * g[m][k] / (r[m] * (r[m] + eps) * (r[m] + eps)) }
                let deltas = passes[m].deltas, masks = passes[m].masks
                // Action rows of W_0: ḡ δ_0ᵀ;  δ̄_0 = W_0[a-rows]ᵀ ḡ.
                for (k, row) in (stateDimension..<x.count).enumerated() {
                    for p in 0..<deltas[0].count { grads[0][m][row][p] += gBar[k] * deltas[0][p] }
                }
                var deltaBar = (0..<deltas[0].count).map { p in
                    (stateDimension..<x.count).enumerated().reduce(0) { $0 + weights[0][m][$1.1][p] * gBar[$1.0] }
                }
                for l in 0..<(deltas.count - 1) {
                    let masked = (0..<deltaBar.count).map { masks[l][$0] ? deltaBar[$0] : 0 }
                    for p in 0..<masked.count { for q in 0..<deltas[l + 1].count { grads[l + 1][m][p][q] += masked[p] * deltas[l + 1][q] } }
                    deltaBar = (0..<deltas[l + 1].count).map { q in (0..<masked.count).reduce(0) { $0 + weights[l + 1][m][$1][q] * masked[$1] } }
                }
                let last = deltas.count - 1
                for p in 0..<deltaBar.count where masks[last][p] { grads[layerCount - 1][m][p][0] += deltaBar[p] }
            }
        }
        return grads
    }

    /// Central finite difference of L_div with respect to one weight.
    func finiteDifference(layer l: Int, member m: Int, row i: Int, column j: Int, step: Double = 1e-6,
                          states: [[Double]], actions: [[Double]]) -> Double {
        var plus = self, minus = self
        plus.weights[l][m][i][j] += step
        minus.weights[l][m][i][j] -= step
        return (plus.diversity(states: states, actions: actions) - minus.diversity(states: states, actions: actions)) / (2 * step)
    }
}
