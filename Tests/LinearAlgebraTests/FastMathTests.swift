import Foundation
import Testing
import LinearAlgebra

/// The vector softplus the dynamics ensemble's variance bounds use, against libm's
/// `log1pf(expf(·))` form (`Tensor.softplus`), across the range log-variances take and beyond.
@Suite("FastMath: vector softplus and sigmoid")
struct FastMathTests {
    @Test func softplusAgreesWithLibm() {
        var rng = RandomGenerator(seed: 8)
        var worst: Float = 0
        for _ in 0..<4000 {
            var x = SIMD8<Float>()
            for k in 0..<8 { x[k] = rng.uniform() * 60 - 30 }
            let y = FastMath.softplus(x)
            for k in 0..<8 {
                let expected = Tensor.softplus(x[k])
                worst = max(worst, abs(y[k] - expected) / max(1, abs(expected)))
            }
        }
        #expect(worst < 4e-7, "largest relative error \(worst)")
        // softplus(0) = log 2; far below 0 it vanishes, far above it is x to the last bit.
        let ends = FastMath.softplus(SIMD8<Float>(0, -100, 100, 20, -20, 1e-3, -1e-3, 88))
        #expect(abs(ends[0] - logf(2)) <= Float(logf(2)).ulp)
        #expect(ends[1] >= 0 && ends[1] < 1e-37, "\(ends[1])")
        #expect(ends[2] == 100 && ends[3] == 20 && ends[7] == 88)
    }

    @Test func sigmoidAgreesWithTheFormula() {
        var rng = RandomGenerator(seed: 9)
        for _ in 0..<1000 {
            var x = SIMD8<Float>()
            for k in 0..<8 { x[k] = rng.uniform() * 40 - 20 }
            let s = FastMath.softplusAndSigmoid(x).sigmoid
            for k in 0..<8 { #expect(abs(Double(s[k]) - 1 / (1 + Foundation.exp(-Double(x[k])))) < 2e-7, "x = \(x[k])") }
        }
        #expect(FastMath.softplus(SIMD8<Float>(repeating: -0.0))[0].bitPattern == logf(2).bitPattern
                || abs(FastMath.softplus(SIMD8<Float>(repeating: -0.0))[0] - logf(2)) <= Float(logf(2)).ulp)
    }
}
