/// A dense, row-major, contiguous array of `Float` with value semantics.
///
/// `Tensor` is the currency of the whole library: datasets, network parameters, activations and
/// gradients. Copies are cheap (they share storage) until one copy is written, which then
/// duplicates its buffer (copy-on-write). Ranks 0 (scalar) to 4 are supported; the conventions
/// are `[batch, features]` and, for ensembles, `[members, batch, features]`.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let x = Tensor.normal([256, 17], rng: &rng)
/// let w = Tensor.uniform([17, 64], low: -0.1, high: 0.1, rng: &rng)
/// let h = (x.matmul(w) + 1).relu()          // [256, 64]
/// let loss = h.square().mean()
/// ```
///
/// Shape misuse (mismatched dimensions, bad axes) stops the program with a message naming the
/// shapes involved; these are programming errors, like an out-of-range array index.
///
/// ### See Also
/// - ``TensorShape``
/// - ``RandomGenerator``
@frozen
public struct Tensor: Sendable {
    @usableFromInline internal var storage: TensorStorage
    /// The tensor's dimensions.
    public let shape: TensorShape

    @inlinable
    internal init(storage: TensorStorage, shape: TensorShape) {
        self.storage = storage
        self.shape = shape
    }

    /// Creates an uninitialised tensor; the caller must write every element before reading.
    @inlinable
    public init(uninitializedShape shape: TensorShape) {
        self.init(storage: TensorStorage(capacity: shape.count), shape: shape)
    }

    /// Creates a tensor with every element equal to `value`.
    @inlinable
    public init(repeating value: Float, shape: TensorShape) {
        self.init(storage: TensorStorage(capacity: shape.count, repeating: value), shape: shape)
    }

    /// Creates a tensor from row-major `scalars`; their count must equal `shape.count`.
    @inlinable
    public init(shape: TensorShape, scalars: [Float]) {
        tensorPrecondition(scalars.count == shape.count,
                     "Tensor(shape: \(shape), scalars:): expected \(shape.count) scalars, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: $0.count) }
    }

    /// Creates a rank-0 tensor holding `value`.
    @inlinable
    public init(_ value: Float) { self.init(repeating: value, shape: .scalar) }

    /// Creates a rank-1 tensor from `scalars`.
    @inlinable
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// Creates a rank-2 tensor from equally long rows.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        tensorPrecondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows): rows have different lengths")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// Creates a tensor by calling `body` with the uninitialised buffer, which it must fill entirely.
    @inlinable
    public init(shape: TensorShape, initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(uninitializedShape: shape)
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: shape.count))
    }

    // MARK: - Properties

    /// The number of elements.
    @inlinable public var count: Int { shape.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.rank }
    /// The elements in row-major order, copied into an array.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single element of a one-element tensor.
    @inlinable
    public var scalar: Float {
        tensorPrecondition(count == 1, "Tensor.scalar: shape \(shape) holds \(count) elements, not 1")
        return storage.pointer[0]
    }

    // MARK: - Raw access

    /// Calls `body` with a pointer to the elements (row-major). The pointer must not escape.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// Calls `body` with a mutable pointer to the elements, copying the buffer first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// Ensures this tensor is the only owner of its buffer.
    @inlinable
    internal mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(count: count) }
    }

    /// Whether two tensors currently share one buffer (for tests of copy-on-write).
    @inlinable
    public func sharesStorage(with other: Tensor) -> Bool { storage === other.storage }

    // MARK: - Element access

    /// The element at a full index (one integer per dimension).
    @inlinable
    public subscript(indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set {
            let i = flatIndex(indices)
            makeUnique()
            storage.pointer[i] = newValue
        }
    }

    @inlinable
    internal func flatIndex(_ indices: [Int]) -> Int {
        tensorPrecondition(indices.count == rank, "Tensor subscript: \(indices.count) indices for shape \(shape)")
        var flat = 0
        for axis in 0..<rank {
            let i = indices[axis]
            tensorPrecondition(i >= 0 && i < shape[axis], "Tensor subscript: index \(indices) out of range for shape \(shape)")
            flat = flat &* shape[axis] &+ i
        }
        return flat
    }

    /// Returns the same elements with a new shape of equal count; one dimension may be `-1`.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let unknown = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            tensorPrecondition(known > 0 && count % known == 0, "reshaped: cannot reshape \(shape) to \(newShape)")
            dims[unknown] = count / known
        }
        let target = TensorShape(dims)
        tensorPrecondition(target.count == count, "reshaped: cannot reshape \(shape) (\(count) elements) to \(target)")
        return Tensor(storage: storage, shape: target)
    }

    /// Returns the same elements with a new shape of equal count.
    @inlinable
    public func reshaped(_ newShape: TensorShape) -> Tensor { reshaped(newShape.dimensions) }
}

extension Tensor: Equatable {
    /// Exact elementwise equality of shape and values (NaN is never equal).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        for i in 0..<lhs.count where lhs.storage.pointer[i] != rhs.storage.pointer[i] { return false }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(16).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 16 ? ", …" : "")])"
    }
}
