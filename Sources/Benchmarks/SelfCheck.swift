import LinearAlgebra

/// Quick numerical checks of the linear-algebra layer against plain Swift references, run by
/// `orl demo` so a user sees at once whether BLAS and LAPACK are wired correctly.
public enum SelfCheck {
    /// One check's outcome.
    public struct Outcome: Sendable {
        /// What was checked (the operation and its shape).
        public var name: String
        /// Largest absolute difference from the reference.
        public var error: Float
        /// The largest error that passes.
        public var tolerance: Float
        /// Whether the error is finite and within tolerance.
        public var passed: Bool { error.isFinite && error <= tolerance }
        /// One line for people: PASS or FAIL, the name, the error and the tolerance.
        public var line: String {
            "\(passed ? "PASS" : "FAIL")  \(name)  (error \(error), tolerance \(tolerance))"
        }
    }

    /// Runs every check with the given seed.
    public static func run(seed: UInt64) -> [Outcome] {
        var rng = RandomGenerator(seed: seed)
        var outcomes = [Outcome]()

        let a = Tensor.normal([37, 23], rng: &rng), b = Tensor.normal([23, 19], rng: &rng)
        outcomes.append(Outcome(name: "matmul vs naive triple loop", error: maxAbs(a.matmul(b) - naiveMatmul(a, b)),
                                tolerance: 1e-4))

        let e = Tensor.normal([7, 16, 12], rng: &rng), w = Tensor.normal([7, 12, 9], rng: &rng)
        let batched = e.matmul(w)
        var worst: Float = 0
        for i in 0..<7 {
            let ref = naiveMatmul(e.slice(i..<(i + 1)).reshaped([16, 12]), w.slice(i..<(i + 1)).reshaped([12, 9]))
            worst = max(worst, maxAbs(batched.slice(i..<(i + 1)).reshaped([16, 9]) - ref))
        }
        outcomes.append(Outcome(name: "ensemble matmul vs per-member loop", error: worst, tolerance: 1e-4))

        do {
            let (u, s, vt) = try a.svd()
            let rebuilt = (u * s.reshaped([1, s.count])).matmul(vt)
            outcomes.append(Outcome(name: "SVD reconstruction", error: maxAbs(rebuilt - a), tolerance: 1e-4))

            let spd = a.matmul(a, transposeSelf: true) + Tensor.identity(23)
            let l = try spd.cholesky()
            outcomes.append(Outcome(name: "Cholesky L·Lᵀ", error: maxAbs(l.matmul(l, transposeOther: true) - spd),
                                    tolerance: 1e-3))
            let rhs = Tensor.normal([23, 3], rng: &rng)
            let x = try Tensor.solve(spd, rhs)
            outcomes.append(Outcome(name: "solve residual", error: maxAbs(spd.matmul(x) - rhs), tolerance: 1e-3))
        } catch {
            outcomes.append(Outcome(name: "decompositions threw \(error)", error: .infinity, tolerance: 0))
        }
        return outcomes
    }

    static func maxAbs(_ t: Tensor) -> Float { t.abs().max() }

    static func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let pa = a.scalars, pb = b.scalars
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var acc: Double = 0
            for t in 0..<k { acc += Double(pa[i * k + t]) * Double(pb[t * n + j]) }
            out[i * n + j] = Float(acc)
        } }
        return Tensor(shape: [m, n], scalars: out)
    }
}
