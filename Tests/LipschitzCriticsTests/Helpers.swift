import Foundation
import LipschitzCritics
@_exported import OfflineTestSupport

/// Shared fixtures of the Lipschitz-critics tests.
enum Fixture {
    /// A critic ensemble of `members` members over 3 state and 2 action dimensions.
    static func critics(members: Int = 2, hidden: [Int] = [6, 5], spectralNorm: CriticSpectralNormalization? = nil,
                        seed: UInt64 = 1) -> CriticEnsemble {
        var rng = RandomGenerator(seed: seed)
        return CriticEnsemble(observationDimension: 3, actionDimension: 2, hiddenSizes: hidden, members: members,
                              spectralNormalization: spectralNorm, rng: &rng)
    }

    /// `rows` random states `[rows, 3]` and actions `[rows, 2]`.
    static func batch(rows: Int = 8, seed: UInt64 = 2) -> (observations: Tensor, actions: Tensor) {
        var rng = RandomGenerator(seed: seed)
        return (Tensor.normal([rows, 3], rng: &rng), Tensor.uniform([rows, 2], low: -1, high: 1, rng: &rng))
    }

    /// Central differences of a scalar function of `leaf`'s value, accumulated in Double.
    static func finiteDifference(of f: () -> Float, leaf: Variable, step: Float = 1e-3) -> [Double] {
        let original = leaf.value
        var result = [Double]()
        for i in 0..<original.count {
            var plus = original, minus = original
            plus.withUnsafeMutableBufferPointer { $0[i] += step }
            minus.withUnsafeMutableBufferPointer { $0[i] -= step }
            let h = Double(plus.scalars[i]) - Double(minus.scalars[i])
            leaf.value = plus
            let up = Double(f())
            leaf.value = minus
            let down = Double(f())
            result.append((up - down) / h)
        }
        leaf.value = original
        return result
    }

    /// The worst |a − n| / (atol + rtol·|n|) over paired entries (≤ 1 passes).
    static func worstError(_ analytic: [Float], _ numeric: [Double], rtol: Double = 1e-2, atol: Double = 2e-3) -> Double {
        zip(analytic, numeric).map { Swift.abs(Double($0) - $1) / (atol + rtol * Swift.abs($1)) }.max() ?? 0
    }
}
