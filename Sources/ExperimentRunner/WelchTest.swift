import Foundation

/// Welch's unequal-variance t-test between two samples (Welch, Biometrika 1947): the statistic,
/// the Welch–Satterthwaite degrees of freedom and the two-sided p-value from Student's t.
public struct WelchTest: Sendable, Equatable {
    /// t = (mean₁ − mean₂) / √(s₁²/n₁ + s₂²/n₂).
    public var t: Double
    /// ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)).
    public var degreesOfFreedom: Double
    /// P(|T_ν| ≥ |t|).
    public var pValue: Double

    /// The test of `a` against `b`; `nil` when either has fewer than 2 values or both have no spread.
    public init?(_ a: [Double], _ b: [Double]) {
        guard a.count > 1, b.count > 1 else { return nil }
        let sa = SampleSummary(a), sb = SampleSummary(b)
        let va = sa.variance / Double(a.count), vb = sb.variance / Double(b.count)
        guard va + vb > 0 else { return nil }
        t = (sa.mean - sb.mean) / (va + vb).squareRoot()
        degreesOfFreedom = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        pValue = Self.twoSidedP(t: t, degreesOfFreedom: degreesOfFreedom)
    }

    /// P(|T_ν| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func twoSidedP(t: Double, degreesOfFreedom nu: Double) -> Double {
        regularizedIncompleteBeta(x: nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// I_x(a, b) by its continued fraction (modified Lentz), using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(x: 1 - x, a: b, b: a) }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logGammas + logPowers
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        d = 1 / (abs(d) < tiny ? tiny : d)
        var fraction = d
        for m in 1...300 {
            let m = Double(m)
            let even: Double = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            let odd: Double = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            for numerator in [even, odd] {
                d = 1 + numerator * d
                d = 1 / (abs(d) < tiny ? tiny : d)
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                fraction *= c * d
            }
            if abs(c * d - 1) < 1e-15 { break }
        }
        return exp(logFront) * fraction / a
    }
}

/// Mean and sample standard deviation (n − 1), as every table here reports them.
public struct SampleSummary: Sendable, Equatable {
    /// The number of values.
    public var count: Int
    /// Their mean (NaN when empty).
    public var mean: Double
    /// Their sample variance (0 for one value).
    public var variance: Double
    /// √variance.
    public var standardDeviation: Double { variance.squareRoot() }

    /// Summarises `values`.
    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        let m = mean
        variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1) : 0
    }
}
