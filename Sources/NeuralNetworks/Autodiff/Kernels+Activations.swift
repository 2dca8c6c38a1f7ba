// Activation loops written out one by one: each closure handed to `parallelFor` holds only
// pointers and arithmetic, so the compiler vectorises it (a captured `(Float) -> Float` would be
// called per element instead).

extension Kernels {
    /// A new tensor with `a`'s shape, filled by `body(range, input, output)` in parallel chunks.
    @inlinable @inline(__always)
    static func unary(_ a: Tensor, _ body: @escaping (Range<Int>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        a.withUnsafeBufferPointer { pa in
            Tensor(shape: a.shape) { out in
                let p = SendablePointers([UnsafeMutablePointer(mutating: pa.baseAddress!), out.baseAddress!])
                parallelFor(out.count) { range in body(range, p.pointers[0], p.pointers[1]) }
            }
        }
    }

    /// max(x, 0).
    static func relu(_ x: Tensor) -> Tensor {
        unary(x) { range, x, y in for i in range { y[i] = Swift.max(x[i], 0) } }
    }

    /// σ(x) with the vectorisable exponential.
    static func sigmoid(_ x: Tensor) -> Tensor {
        unary(x) { range, x, y in for i in range { y[i] = 1 / (1 + Kernels.exp(-x[i])) } }
    }

    /// g where `reference > 0`, else 0 (the ReLU backward step).
    static func reluMask(_ g: Tensor, _ reference: Tensor) -> Tensor {
        // Branch-free (a bit mask on g), so the loop vectorises and keeps g's exact bits.
        binary(g, reference) { range, g, r, o in
            for i in range {
                let gv = g[i].bitPattern, keep: UInt32 = r[i] > 0 ? ~0 : 0
                o[i] = Float(bitPattern: gv & keep)
            }
        }
    }

    /// g·(1 − y²) (tanh backward from the output).
    static func tanhBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
        binary(g, y) { range, g, y, o in for i in range { o[i] = g[i] * (1 - y[i] * y[i]) } }
    }

    /// g·s(1 − s) (sigmoid backward from the output).
    static func sigmoidBackward(_ g: Tensor, _ s: Tensor) -> Tensor {
        binary(g, s) { range, g, s, o in for i in range { o[i] = g[i] * s[i] * (1 - s[i]) } }
    }

    /// σ(x) and x·σ(x) in one pass (the SiLU forward; σ is kept for the backward pass).
    static func silu(_ x: Tensor) -> (sigmoid: Tensor, output: Tensor) {
        var s = Tensor(uninitializedShape: x.shape)
        let y: Tensor = x.withUnsafeBufferPointer { px in
            s.withUnsafeMutableBufferPointer { ps in
                Tensor(shape: x.shape) { out in
                    let p = SendablePointers([UnsafeMutablePointer(mutating: px.baseAddress!), ps.baseAddress!, out.baseAddress!])
                    parallelFor(out.count) { range in
                        let x = p.pointers[0], s = p.pointers[1], y = p.pointers[2]
                        for i in range {
                            let v = x[i]
                            let sig = 1 / (1 + Kernels.exp(-v))
                            s[i] = sig
                            y[i] = v * sig
                        }
                    }
                }
            }
        }
        return (s, y)
    }

    /// x·s for s = σ(x) (the SiLU output from its sigmoid).
    static func product(_ x: Tensor, _ s: Tensor) -> Tensor {
        binary(x, s) { range, x, s, o in for i in range { o[i] = x[i] * s[i] } }
    }

    /// g·(s + y(1 − s)) (SiLU backward from σ(x) and the output).
    static func siluBackward(_ g: Tensor, _ s: Tensor, _ y: Tensor) -> Tensor {
        precondition(g.shape == s.shape && s.shape == y.shape, "siluBackward: shapes differ")
        return g.withUnsafeBufferPointer { pg in
            s.withUnsafeBufferPointer { ps in
                y.withUnsafeBufferPointer { py in
                    Tensor(shape: g.shape) { out in
                        let p = SendablePointers([UnsafeMutablePointer(mutating: pg.baseAddress!),
                                                  UnsafeMutablePointer(mutating: ps.baseAddress!),
                                                  UnsafeMutablePointer(mutating: py.baseAddress!), out.baseAddress!])
                        parallelFor(out.count) { range in
                            let g = p.pointers[0], s = p.pointers[1], y = p.pointers[2], o = p.pointers[3]
                            for i in range { o[i] = g[i] * (s[i] + y[i] * (1 - s[i])) }
                        }
                    }
                }
            }
        }
    }

    /// A new tensor filled by `body(range, a, b, output)` for equally shaped `a`, `b`.
    @inlinable @inline(__always)
    static func binary(_ a: Tensor, _ b: Tensor,
                       _ body: @escaping (Range<Int>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                          UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        precondition(a.shape == b.shape, "elementwise kernel: shapes \(a.shape) and \(b.shape) differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: a.shape) { out in
                    let p = SendablePointers([UnsafeMutablePointer(mutating: pa.baseAddress!),
                                              UnsafeMutablePointer(mutating: pb.baseAddress!), out.baseAddress!])
                    parallelFor(out.count) { range in body(range, p.pointers[0], p.pointers[1], p.pointers[2]) }
                }
            }
        }
    }
}
