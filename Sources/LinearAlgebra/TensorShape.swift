/// The dimensions of a ``Tensor``: rank 0 (a scalar) to ``TensorShape/maxRank``, stored inline.
///
/// A shape never allocates, so creating and comparing shapes costs nothing in hot loops.
/// Conventions: `[batch, features]` for data, `[members, batch, features]` for ensembles.
///
/// ```swift
/// let shape: TensorShape = [256, 17]
/// shape.rank          // 2
/// shape.count         // 4352
/// shape[1]            // 17
/// ```
@frozen
public struct TensorShape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The largest supported rank.
    public static let maxRank = 4

    @usableFromInline internal var d0: Int, d1: Int, d2: Int, d3: Int
    /// The number of dimensions.
    public let rank: Int

    /// Creates a shape from its dimensions; each must be non-negative.
    @inlinable
    public init(_ dimensions: [Int]) {
        tensorPrecondition(dimensions.count <= TensorShape.maxRank,
                     "TensorShape: rank \(dimensions.count) exceeds the maximum rank \(TensorShape.maxRank)")
        tensorPrecondition(dimensions.allSatisfy { $0 >= 0 }, "TensorShape: negative dimension in \(dimensions)")
        rank = dimensions.count
        d0 = rank > 0 ? dimensions[0] : 1
        d1 = rank > 1 ? dimensions[1] : 1
        d2 = rank > 2 ? dimensions[2] : 1
        d3 = rank > 3 ? dimensions[3] : 1
    }

    /// Creates a shape from a list of dimensions: `TensorShape(3, 4)`.
    @inlinable
    public init(_ dimensions: Int...) { self.init(dimensions) }

    /// Creates a shape from an array literal: `[3, 4]`.
    @inlinable
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The shape of a scalar (rank 0).
    public static let scalar = TensorShape([])

    /// The size of dimension `axis` (0-based).
    @inlinable
    public subscript(axis: Int) -> Int {
        get {
            tensorPrecondition(axis >= 0 && axis < rank, "TensorShape: axis \(axis) out of range for shape \(self)")
            switch axis {
            case 0: return d0
            case 1: return d1
            case 2: return d2
            default: return d3
            }
        }
        set {
            tensorPrecondition(axis >= 0 && axis < rank, "TensorShape: axis \(axis) out of range for shape \(self)")
            tensorPrecondition(newValue >= 0, "TensorShape: negative dimension \(newValue)")
            switch axis {
            case 0: d0 = newValue
            case 1: d1 = newValue
            case 2: d2 = newValue
            default: d3 = newValue
            }
        }
    }

    /// The number of elements (1 for a scalar).
    @inlinable
    public var count: Int {
        switch rank {
        case 0: return 1
        case 1: return d0
        case 2: return d0 &* d1
        case 3: return d0 &* d1 &* d2
        default: return d0 &* d1 &* d2 &* d3
        }
    }

    /// The dimensions as an array.
    public var dimensions: [Int] { (0..<rank).map { self[$0] } }

    /// The last dimension, or 1 for a scalar.
    @inlinable
    public var last: Int { rank == 0 ? 1 : self[rank - 1] }

    /// Resolves a possibly negative axis (`-1` is the last) and checks it is in range.
    @inlinable
    public func normalizedAxis(_ axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        tensorPrecondition(resolved >= 0 && resolved < rank, "axis \(axis) is out of range for shape \(self)")
        return resolved
    }

    /// Splits the shape around `axis` into (product of leading dims, dim, product of trailing dims),
    /// the view every axis-wise operation on a contiguous row-major buffer uses.
    @inlinable
    public func split(around axis: Int) -> (outer: Int, size: Int, inner: Int) {
        var outer = 1, inner = 1
        for i in 0..<axis { outer &*= self[i] }
        for i in (axis + 1)..<max(axis + 1, rank) { inner &*= self[i] }
        return (outer, self[axis], inner)
    }

    /// This shape with `axis` removed (or set to 1 when `keepingDimension`).
    @inlinable
    public func reducing(axis: Int, keepingDimension: Bool) -> TensorShape {
        var dims = dimensions
        if keepingDimension { dims[axis] = 1 } else { dims.remove(at: axis) }
        return TensorShape(dims)
    }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

    public static func == (lhs: TensorShape, rhs: TensorShape) -> Bool {
        guard lhs.rank == rhs.rank else { return false }
        for i in 0..<lhs.rank where lhs[i] != rhs[i] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        for i in 0..<rank { hasher.combine(self[i]) }
    }
}
