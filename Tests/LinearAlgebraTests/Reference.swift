import LinearAlgebra

// Plain-Swift reference implementations: slow, obviously correct, index arithmetic only.
enum Reference {
    /// Row-major strides of a dimension list.
    static func strides(_ dims: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: dims.count)
        for i in stride(from: dims.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * dims[i + 1] }
        return s
    }

    /// All multi-indices of a shape, row-major.
    static func indices(_ dims: [Int]) -> [[Int]] {
        var result: [[Int]] = [[]]
        for d in dims { result = result.flatMap { prefix in (0..<d).map { prefix + [$0] } } }
        return result
    }

    static func element(_ t: Tensor, _ index: [Int]) -> Float {
        let s = strides(t.shape.dimensions)
        var flat = 0
        for (i, v) in index.enumerated() { flat += v * s[i] }
        return t.scalars[flat]
    }

    /// Broadcast binary op by NumPy's rule.
    static func binary(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        let ad = a.shape.dimensions, bd = b.shape.dimensions
        let rank = max(ad.count, bd.count)
        let pa = [Int](repeating: 1, count: rank - ad.count) + ad
        let pb = [Int](repeating: 1, count: rank - bd.count) + bd
        let out = (0..<rank).map { max(pa[$0], pb[$0]) }
        let values = indices(out).map { idx -> Float in
            let ia = Array(idx.enumerated().map { pa[$0.offset] == 1 ? 0 : $0.element }.suffix(ad.count))
            let ib = Array(idx.enumerated().map { pb[$0.offset] == 1 ? 0 : $0.element }.suffix(bd.count))
            return op(element(a, ia), element(b, ib))
        }
        return Tensor(shape: TensorShape(out), scalars: values)
    }

    static func reduce(_ t: Tensor, axis: Int, keepDims: Bool, _ f: ([Float]) -> Float) -> Tensor {
        let dims = t.shape.dimensions
        var outDims = dims
        outDims[axis] = 1
        let values = indices(outDims).map { idx -> Float in
            f((0..<dims[axis]).map { k in var i = idx; i[axis] = k; return element(t, i) })
        }
        if !keepDims { outDims.remove(at: axis) }
        return Tensor(shape: TensorShape(outDims), scalars: values)
    }

    static func matmul(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> Tensor {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var acc = 0.0
            for t in 0..<k {
                let x = ta ? element(a, [t, i]) : element(a, [i, t])
                let y = tb ? element(b, [j, t]) : element(b, [t, j])
                acc += Double(x) * Double(y)
            }
            out[i * n + j] = Float(acc)
        } }
        return Tensor(shape: [m, n], scalars: out)
    }

    /// Member `i` of a rank-3 tensor as a matrix.
    static func member(_ t: Tensor, _ i: Int) -> Tensor {
        Tensor(shape: [t.shape[1], t.shape[2]], scalars: Array(t.scalars[(i * t.shape[1] * t.shape[2])..<((i + 1) * t.shape[1] * t.shape[2])]))
    }
}

/// A random tensor for tests.
func randomTensor(_ dims: [Int], _ rng: inout RandomGenerator, low: Float = -2, high: Float = 2) -> Tensor {
    Tensor.uniform(TensorShape(dims), low: low, high: high, rng: &rng)
}
