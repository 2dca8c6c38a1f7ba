import Testing
import TestSupport
import LinearAlgebra

@Suite("Structure: creation, copy-on-write, concat, slice, gather, transpose")
struct StructureTests {
    @Test func creationAndAccess() {
        var t = Tensor.zeros([2, 3])
        t[1, 2] = 5
        #expect(t.scalars == [0, 0, 0, 0, 0, 5])
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.identity(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.arange(4, start: 1).scalars == [1, 2, 3, 4])
        #expect(Tensor(2.5).scalar == 2.5 && Tensor(2.5).rank == 0)
        #expect(Tensor([[1, 2], [3, 4]]).shape == [2, 2])
        #expect(Tensor.zeros([2, 6]).reshaped([3, -1]).shape == [3, 4])
    }

    @Test func copyOnWrite() {
        let a = Tensor([1, 2, 3])
        var b = a
        #expect(b.sharesStorage(with: a))
        b[0] = 10
        #expect(!b.sharesStorage(with: a))
        #expect(a.scalars == [1, 2, 3] && b.scalars == [10, 2, 3])
        var c = a.reshaped([3, 1])
        c += 1
        #expect(a.scalars == [1, 2, 3])
    }

    @Test func concatenateMatchesReferenceOnEveryAxis() {
        var rng = RandomGenerator(seed: 1)
        for axis in 0..<3 {
            var d1 = [2, 3, 4], d2 = [2, 3, 4]
            d1[axis] = 1; d2[axis] = 5
            let a = randomTensor(d1, &rng), b = randomTensor(d2, &rng)
            let joined = Tensor.concatenate([a, b], axis: axis)
            #expect(joined.slice(0..<1, axis: axis) == a)
            #expect(joined.slice(1..<6, axis: axis) == b)
            var expected = [2, 3, 4]
            expected[axis] = 6
            #expect(joined.shape == TensorShape(expected))
        }
    }

    @Test func sliceMatchesReference() {
        var rng = RandomGenerator(seed: 2)
        let t = randomTensor([4, 5, 6], &rng)
        let s = t.slice(1..<4, axis: 1)
        for idx in Reference.indices([4, 3, 6]) {
            #expect(Reference.element(s, idx) == Reference.element(t, [idx[0], idx[1] + 1, idx[2]]))
        }
        var back = Tensor.zeros([4, 5, 6])
        back.assignSlice(1..<4, axis: 1, from: s)
        #expect(back.slice(1..<4, axis: 1) == s)
        #expect(back.slice(0..<1, axis: 1) == Tensor.zeros([4, 1, 6]))
    }

    @Test func gatherAndScatterAdd() {
        var rng = RandomGenerator(seed: 3)
        let t = randomTensor([6, 3], &rng)
        let rows = [5, 0, 5, 2]
        let g = t.gather(rows)
        for (k, r) in rows.enumerated() { #expect(g.slice(k..<(k + 1)) == t.slice(r..<(r + 1))) }
        var into = Tensor.zeros([4, 3])
        t.gather(rows, into: &into)
        #expect(into == g)
        // Gathering columns of an ensemble tensor along axis 1.
        let e = randomTensor([2, 5, 3], &rng)
        let cols = e.gather([4, 1], axis: 1)
        #expect(cols.shape == [2, 2, 3])
        #expect(cols.slice(0..<1, axis: 1) == e.slice(4..<5, axis: 1))
        // scatterAdd is gather's adjoint: <gather(x), y> == <x, scatterAdd(y)>.
        let y = randomTensor([4, 3], &rng)
        var adj = Tensor.zeros([6, 3])
        adj.scatterAdd(y, at: rows)
        #expect(isClose((g * y).sum(), (t * adj).sum(), rtol: 1e-5))
        #expect(isClose(adj.slice(5..<6), y.slice(0..<1) + y.slice(2..<3)))
    }

    @Test func transposeAndPermute() {
        var rng = RandomGenerator(seed: 4)
        for dims in [[1, 5], [5, 1], [3, 4]] {
            let m = randomTensor(dims, &rng)
            let t = m.transposed()
            #expect(t.shape == [dims[1], dims[0]])
            for idx in Reference.indices(dims) { #expect(Reference.element(t, [idx[1], idx[0]]) == Reference.element(m, idx)) }
        }
        let x = randomTensor([2, 3, 4, 5], &rng)
        let p = x.permuted([2, 0, 3, 1])
        #expect(p.shape == [4, 2, 5, 3])
        for idx in Reference.indices([2, 3, 4, 5]) {
            #expect(Reference.element(p, [idx[2], idx[0], idx[3], idx[1]]) == Reference.element(x, idx))
        }
        #expect(x.transposed().transposed() == x)
    }

    @Test func outOfRangeGatherStops() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.zeros([3, 2]).gather([3])
        }
    }
}
