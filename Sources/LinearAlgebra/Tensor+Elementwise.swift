// Elementwise binary arithmetic with NumPy-style broadcasting (shapes aligned on the right; each
// pair of dimensions equal or one of them 1), so rows ([1, F] or [F]), columns ([B, 1]) and
// scalars broadcast against [B, F] and [E, B, F].

extension TensorShape {
    /// The shape two operands broadcast to; stops with a message naming both shapes if they don't.
    @inlinable
    public static func broadcast(_ a: TensorShape, _ b: TensorShape) -> TensorShape {
        if a == b { return a }
        let rank = Swift.max(a.rank, b.rank)
        var dims = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b[i - (rank - b.rank)]
            tensorPrecondition(da == db || da == 1 || db == 1, "shapes \(a) and \(b) cannot be broadcast together")
            dims[i] = da == 1 ? db : da
        }
        return TensorShape(dims)
    }

    /// Element strides of this shape read as `target` (rank 4, left-padded), 0 on broadcast axes.
    @inlinable
    internal func broadcastStrides(to target: TensorShape) -> (Int, Int, Int, Int) {
        var strides = [0, 0, 0, 0]
        var running = 1
        for i in Swift.stride(from: rank - 1, through: 0, by: -1) {
            let slot = 4 - (rank - i)
            strides[slot] = self[i] == 1 && target[target.rank - (rank - i)] != 1 ? 0 : running
            running &*= self[i]
        }
        return (strides[0], strides[1], strides[2], strides[3])
    }

    /// This shape left-padded with ones to rank 4.
    @inlinable
    internal var padded4: (Int, Int, Int, Int) {
        var dims = [1, 1, 1, 1]
        for i in 0..<rank { dims[4 - rank + i] = self[i] }
        return (dims[0], dims[1], dims[2], dims[3])
    }
}

extension Tensor {
    /// Applies `op` elementwise to two broadcast-compatible tensors.
    ///
    /// Fast paths cover equal shapes and scalars; other broadcasts run one strided inner loop per
    /// row, specialised for the contiguous and the repeated-operand cases so the loops vectorise.
    @inlinable @inline(__always)
    public func zipWith(_ other: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        let outShape = TensorShape.broadcast(shape, other.shape)
        let result = Tensor(uninitializedShape: outShape)
        let out = result.storage.pointer
        let a = storage.pointer, b = other.storage.pointer
        let n = outShape.count
        if shape == other.shape {
            for i in 0..<n { out[i] = op(a[i], b[i]) }
        } else if other.count == 1 {
            let s = b[0]
            for i in 0..<n { out[i] = op(a[i], s) }
        } else if count == 1 {
            let s = a[0]
            for i in 0..<n { out[i] = op(s, b[i]) }
        } else {
            let (n0, n1, n2, n3) = outShape.padded4
            let (a0, a1, a2, a3) = shape.broadcastStrides(to: outShape)
            let (b0, b1, b2, b3) = other.shape.broadcastStrides(to: outShape)
            var o = 0
            for i0 in 0..<n0 {
                for i1 in 0..<n1 {
                    for i2 in 0..<n2 {
                        let pa = a + (i0 &* a0 &+ i1 &* a1 &+ i2 &* a2)
                        let pb = b + (i0 &* b0 &+ i1 &* b1 &+ i2 &* b2)
                        let po = out + o
                        if a3 == 1 && b3 == 1 {
                            for j in 0..<n3 { po[j] = op(pa[j], pb[j]) }
                        } else if a3 == 1 {
                            let s = pb[0]
                            for j in 0..<n3 { po[j] = op(pa[j], s) }
                        } else if b3 == 1 {
                            let s = pa[0]
                            for j in 0..<n3 { po[j] = op(s, pb[j]) }
                        } else {
                            let s = op(pa[0], pb[0])
                            for j in 0..<n3 { po[j] = s }
                        }
                        o &+= n3
                    }
                }
            }
        }
        withExtendedLifetime((self, other)) {}
        return result
    }

    /// Applies `op` elementwise in place; `other` must broadcast to this tensor's shape.
    @inlinable @inline(__always)
    public mutating func formZipWith(_ other: Tensor, _ op: (Float, Float) -> Float) {
        let target = TensorShape.broadcast(shape, other.shape)
        guard target == shape else {
            self = zipWith(other, op)
            return
        }
        makeUnique()
        if other.shape == shape {
            let a = storage.pointer, b = other.storage.pointer
            for i in 0..<count { a[i] = op(a[i], b[i]) }
            withExtendedLifetime(other) {}
        } else {
            self = zipWith(other, op)
        }
    }

    /// Applies `op` to every element.
    @inlinable @inline(__always)
    public func map(_ op: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let out = result.storage.pointer, a = storage.pointer
        for i in 0..<count { out[i] = op(a[i]) }
        withExtendedLifetime(self) {}
        return result
    }

    /// Applies `op` to every element in place.
    @inlinable @inline(__always)
    public mutating func formMap(_ op: (Float) -> Float) {
        makeUnique()
        let a = storage.pointer
        for i in 0..<count { a[i] = op(a[i]) }
    }

    // MARK: - Operators

    @inlinable public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, +) }
    @inlinable public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, -) }
    @inlinable public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, *) }
    @inlinable public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, /) }

    @inlinable public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    @inlinable public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    @inlinable public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    @inlinable public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    @inlinable public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
    @inlinable public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
    @inlinable public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    @inlinable public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs / $0 } }

    @inlinable public static prefix func - (x: Tensor) -> Tensor { x.map { -$0 } }

    @inlinable public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.formZipWith(rhs, +) }
    @inlinable public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.formZipWith(rhs, -) }
    @inlinable public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.formZipWith(rhs, *) }
    @inlinable public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.formZipWith(rhs, /) }
    @inlinable public static func += (lhs: inout Tensor, rhs: Float) { lhs.formMap { $0 + rhs } }
    @inlinable public static func -= (lhs: inout Tensor, rhs: Float) { lhs.formMap { $0 - rhs } }
    @inlinable public static func *= (lhs: inout Tensor, rhs: Float) { lhs.formMap { $0 * rhs } }
    @inlinable public static func /= (lhs: inout Tensor, rhs: Float) { lhs.formMap { $0 / rhs } }

    /// Elementwise minimum of two broadcast-compatible tensors.
    @inlinable public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { a.zipWith(b) { Swift.min($0, $1) } }
    /// Elementwise maximum of two broadcast-compatible tensors.
    @inlinable public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { a.zipWith(b) { Swift.max($0, $1) } }

    /// `self + alpha * other` in place (BLAS's axpy); shapes must be equal.
    @inlinable
    public mutating func addScaled(_ other: Tensor, alpha: Float) {
        tensorPrecondition(shape == other.shape, "addScaled: shapes \(shape) and \(other.shape) differ")
        formZipWith(other) { $0 + alpha * $1 }
    }
}
