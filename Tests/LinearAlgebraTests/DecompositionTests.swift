import Testing
import TestSupport
import LinearAlgebra

@Suite("Armadillo decompositions")
struct DecompositionTests {
    @Test("SVD reconstructs, is orthonormal and sorted", arguments: [[1, 4], [4, 1], [5, 3], [3, 5], [8, 8]])
    func svd(dims: [Int]) throws {
        var rng = RandomGenerator(seed: 21)
        let a = randomTensor(dims, &rng)
        let (u, s, vt) = try a.svd()
        let r = min(dims[0], dims[1])
        #expect(u.shape == [dims[0], r] && s.shape == [r] && vt.shape == [r, dims[1]])
        #expect(maxAbsDifference((u * s.reshaped([1, r])).matmul(vt), a) < 1e-4)
        #expect(maxAbsDifference(u.matmul(u, transposeSelf: true), Tensor.identity(r)) < 1e-4)
        #expect(maxAbsDifference(vt.matmul(vt, transposeOther: true), Tensor.identity(r)) < 1e-4)
        #expect(zip(s.scalars, s.scalars.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(isClose(try a.spectralNorm(), s.scalars[0], rtol: 1e-5))
    }

    @Test func spectralNormOfKnownMatrix() throws {
        // diag(3, -5, 2) has singular values 5, 3, 2.
        let d = Tensor([[3, 0, 0], [0, -5, 0], [0, 0, 2]])
        #expect(isClose(try d.spectralNorm(), 5))
    }

    @Test func symmetricEigen() throws {
        var rng = RandomGenerator(seed: 22)
        let b = randomTensor([6, 6], &rng)
        let a = b + b.transposed()
        let (values, vectors) = try a.symmetricEigen()
        #expect(zip(values.scalars, values.scalars.dropFirst()).allSatisfy { $0 <= $1 })
        // A·V = V·diag(λ)
        #expect(maxAbsDifference(a.matmul(vectors), vectors * values.reshaped([1, 6])) < 1e-4)
        #expect(maxAbsDifference(vectors.matmul(vectors, transposeSelf: true), Tensor.identity(6)) < 1e-4)
    }

    @Test func choleskyAndSolve() throws {
        var rng = RandomGenerator(seed: 23)
        let b = randomTensor([5, 5], &rng)
        let spd = b.matmul(b, transposeSelf: true) + Tensor.identity(5)
        let l = try spd.cholesky()
        #expect(maxAbsDifference(l.matmul(l, transposeOther: true), spd) < 1e-4)
        for i in 0..<5 {
            for j in (i + 1)..<5 { #expect(l.scalars[i * 5 + j] == 0, "the factor is lower triangular: L[\(i), \(j)] = \(l.scalars[i * 5 + j])") }
            #expect(l.scalars[i * 5 + i] > 0, "a Cholesky factor has a positive diagonal")
        }
        let rhs = randomTensor([5, 2], &rng)
        #expect(maxAbsDifference(spd.matmul(try Tensor.solve(spd, rhs)), rhs) < 1e-4)
        let vector = try Tensor.solve(spd, Tensor([1, 2, 3, 4, 5]))
        #expect(vector.shape == [5])
    }

    @Test func failuresAreTypedErrors() {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(shape: [2, 2])) {
            try Tensor([[1, 2], [2, 1]]).cholesky()
        }
        #expect(throws: LinearAlgebraError.singular(shape: [2, 2])) {
            try Tensor.solve(Tensor([[1, 2], [2, 4]]), Tensor([1, 1]))
        }
        #expect(throws: LinearAlgebraError.self) {
            try Tensor([[Float.nan, 1], [1, 1]]).svd()
        }
    }
}
