import Testing
import TestSupport
import LinearAlgebra

@Suite("RandomGenerator")
struct RandomGeneratorTests {
    @Test func matchesAnIndependentPythonImplementation() throws {
        // xoshiro256** seeded by SplitMix64, written independently in Python from the paper.
        let script = """
        M = (1 << 64) - 1
        def splitmix(s):
            s = (s + 0x9E3779B97F4A7C15) & M
            z = s
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            return s, z ^ (z >> 31)
        def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
        s = 12345
        st = []
        for _ in range(4):
            s, v = splitmix(s); st.append(v)
        out = []
        for _ in range(5):
            r = (rotl((st[1] * 5) & M, 7) * 9) & M
            t = (st[1] << 17) & M
            st[2] ^= st[0]; st[3] ^= st[1]; st[1] ^= st[2]; st[0] ^= st[3]; st[2] ^= t; st[3] = rotl(st[3], 45)
            out.append(str(r))
        print(" ".join(out))
        """
        let python = try Python.check(script).split(separator: " ").map { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        var rng = RandomGenerator(seed: 12345)
        #expect((0..<5).map { _ in rng.next() } == python)
    }

    @Test func sameSeedSameStreamAndSplitIsDeterministic() {
        var a = RandomGenerator(seed: 99), b = RandomGenerator(seed: 99)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        var p1 = RandomGenerator(seed: 5), p2 = RandomGenerator(seed: 5)
        var c1 = p1.split(), c2 = p2.split()
        #expect(c1.next() == c2.next())
        #expect(p1.next() == p2.next())
        var fresh = RandomGenerator(seed: 5)
        var child = fresh.split()
        let childStream = (0..<50).map { _ in child.next() }
        let parentStream = (0..<50).map { _ in fresh.next() }
        #expect(Set(childStream).isDisjoint(with: parentStream))
        #expect(RandomGenerator(seed: 1) != RandomGenerator(seed: 2))
    }

    @Test func distributionsHaveTheRightMoments() {
        var rng = RandomGenerator(seed: 7)
        let n = 200_000
        let u = (0..<n).map { _ in Double(rng.uniform()) }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.005)
        let z = Tensor.normal([n], rng: &rng).scalars.map(Double.init)
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02)
        let scaled = Tensor.normal([n], mean: 3, std: 2, rng: &rng)
        #expect(abs(scaled.mean() - 3) < 0.03)
        let box = Tensor.uniform([1000], low: -2, high: -1, rng: &rng)
        #expect(box.min() >= -2 && box.max() < -1)
    }

    @Test func categoricalFollowsTheWeights() {
        var rng = RandomGenerator(seed: 8)
        var counts = [0, 0, 0, 0]
        for _ in 0..<40_000 { counts[rng.categorical([1, 0, 3, 4])] += 1 }
        #expect(counts[1] == 0)
        #expect(abs(Double(counts[0]) / 40_000 - 0.125) < 0.01)
        #expect(abs(Double(counts[3]) / 40_000 - 0.5) < 0.01)
    }

    @Test func integersAndPermutations() {
        var rng = RandomGenerator(seed: 10)
        let draws = (0..<10_000).map { _ in rng.integer(below: 7) }
        #expect(Set(draws) == Set(0..<7))
        let perm = rng.permutation(50)
        #expect(perm.sorted() == Array(0..<50) && perm != Array(0..<50))
    }
}
