import CArmadillo

/// A failure of a numerical routine on valid-shaped input.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    /// An iterative decomposition did not converge (e.g. NaN in the input).
    case notConverged(operation: String, shape: TensorShape)
    /// Cholesky was given a matrix that is not symmetric positive definite.
    case notPositiveDefinite(shape: TensorShape)
    /// A linear system is singular (no unique solution).
    case singular(shape: TensorShape)
    /// The routine rejected its input or failed internally.
    case failed(operation: String, status: Int32)

    public var description: String {
        switch self {
        case let .notConverged(op, shape): return "\(op): decomposition of a \(shape) matrix did not converge"
        case let .notPositiveDefinite(shape): return "cholesky: the \(shape) matrix is not symmetric positive definite"
        case let .singular(shape): return "solve: the \(shape) system matrix is singular"
        case let .failed(op, status): return "\(op): failed with status \(status)"
        }
    }
}

// Armadillo-backed decompositions (LAPACK underneath) for rank-2 tensors.
extension Tensor {
    /// Thin singular value decomposition `self = u · diag(s) · vt`, singular values descending.
    ///
    /// For an m×n matrix with r = min(m, n): `u` is m×r, `s` has r elements, `vt` is r×n.
    /// - Throws: ``LinearAlgebraError/notConverged(operation:shape:)``.
    public func svd() throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        let (m, n) = matrixDimensions("svd")
        let r = Swift.min(m, n)
        var u = Tensor(uninitializedShape: [m, r]), s = Tensor(uninitializedShape: [r]), vt = Tensor(uninitializedShape: [r, n])
        let status = withUnsafeBufferPointer { a in
            u.withUnsafeMutableBufferPointer { pu in
                s.withUnsafeMutableBufferPointer { ps in
                    vt.withUnsafeMutableBufferPointer { pv in
                        orl_svd(a.baseAddress, Int32(m), Int32(n), pu.baseAddress, ps.baseAddress, pv.baseAddress)
                    }
                }
            }
        }
        try check(status, "svd")
        return (u, s, vt)
    }

    /// The spectral norm ‖A‖₂: the largest singular value.
    public func spectralNorm() throws -> Float {
        let (m, n) = matrixDimensions("spectralNorm")
        var result: Float = 0
        let status = withUnsafeBufferPointer { orl_spectral_norm($0.baseAddress, Int32(m), Int32(n), &result) }
        try check(status, "spectralNorm")
        return result
    }

    /// Eigen-decomposition of a symmetric matrix (its symmetric part ½(A + Aᵀ) is used).
    ///
    /// - Returns: eigenvalues ascending, and the eigenvectors as columns of an n×n matrix.
    public func symmetricEigen() throws -> (values: Tensor, vectors: Tensor) {
        let (m, n) = matrixDimensions("symmetricEigen")
        tensorPrecondition(m == n, "symmetricEigen: matrix must be square, got \(shape)")
        var values = Tensor(uninitializedShape: [n]), vectors = Tensor(uninitializedShape: [n, n])
        let status = withUnsafeBufferPointer { a in
            values.withUnsafeMutableBufferPointer { pv in
                vectors.withUnsafeMutableBufferPointer { orl_eig_sym(a.baseAddress, Int32(n), pv.baseAddress, $0.baseAddress) }
            }
        }
        try check(status, "symmetricEigen")
        return (values, vectors)
    }

    /// The lower-triangular Cholesky factor L with `self = L · Lᵀ`.
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(shape:)``.
    public func cholesky() throws -> Tensor {
        let (m, n) = matrixDimensions("cholesky")
        tensorPrecondition(m == n, "cholesky: matrix must be square, got \(shape)")
        var l = Tensor(uninitializedShape: [n, n])
        let status = withUnsafeBufferPointer { a in
            l.withUnsafeMutableBufferPointer { orl_cholesky(a.baseAddress, Int32(n), $0.baseAddress) }
        }
        try check(status, "cholesky")
        return l
    }

    /// Solves `a · x = b` for square `a` ([n, n]) and `b` of shape [n] or [n, k].
    /// - Throws: ``LinearAlgebraError/singular(shape:)`` when `a` has no inverse.
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let (m, n) = a.matrixDimensions("solve")
        tensorPrecondition(m == n, "solve: system matrix must be square, got \(a.shape)")
        tensorPrecondition((b.rank == 1 || b.rank == 2) && b.shape[0] == n,
                     "solve: right-hand side \(b.shape) does not match system matrix \(a.shape)")
        let k = b.rank == 1 ? 1 : b.shape[1]
        var x = Tensor(uninitializedShape: b.shape)
        let status = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                x.withUnsafeMutableBufferPointer { orl_solve(pa.baseAddress, Int32(n), pb.baseAddress, Int32(k), $0.baseAddress) }
            }
        }
        try a.check(status, "solve")
        return x
    }

    private func matrixDimensions(_ operation: String) -> (Int, Int) {
        tensorPrecondition(rank == 2 && count > 0, "\(operation): expects a non-empty matrix (rank 2), got shape \(shape)")
        return (shape[0], shape[1])
    }

    private func check(_ status: Int32, _ operation: String) throws {
        switch UInt32(status) {
        case ORL_OK.rawValue: return
        case ORL_NOT_CONVERGED.rawValue: throw LinearAlgebraError.notConverged(operation: operation, shape: shape)
        case ORL_NOT_POSITIVE_DEFINITE.rawValue: throw LinearAlgebraError.notPositiveDefinite(shape: shape)
        case ORL_SINGULAR.rawValue: throw LinearAlgebraError.singular(shape: shape)
        default: throw LinearAlgebraError.failed(operation: operation, status: status)
        }
    }
}
