import Testing
import NeuralNetworks

/// Same seed, same thread count: bit-identical parameters after 100 updates.
@Suite("Determinism")
struct DeterminismTests {
    /// 100 AdamW updates of a small SiLU ensemble with a tanh-Gaussian head on random batches,
    /// every random draw from one seeded generator.
    static func train(seed: UInt64) -> [Tensor] {
        BLASRuntime.beginSingleThreaded()   // the same thread count whatever tests run beside this one
        defer { BLASRuntime.endSingleThreaded() }
        var rng = RandomGenerator(seed: seed)
        let net = MLP([5, 32, 32, 4], activation: .silu, members: 3, rng: &rng)
        let optimizer = AdamW(net.namedParameters(), learningRate: 1e-3, weightDecay: 1e-4)
        for _ in 0..<100 {
            let x = Variable(Tensor.normal([16, 5], rng: &rng))
            let out = net(x)                                        // [3, 16, 4]
            let policy = TanhGaussian(mean: out.slice(0..<2, axis: 2),
                                      logStd: out.slice(2..<4, axis: 2).clamped(min: -5, max: 2))
            let (action, logProb) = policy.sample(rng: &rng)
            let loss = (action.square().sum(axis: 2) + logProb * 0.1).min(axis: 0).mean()
            optimizer.zeroGrad()
            loss.backward()
            clipGradientNorm(net.parameters(), maxNorm: 10)
            optimizer.step()
        }
        return net.parameters().map(\.value)
    }

    @Test("identical seeds give bit-identical parameters; a different seed does not")
    func bitIdentical() {
        let a = DeterminismTests.train(seed: 5), b = DeterminismTests.train(seed: 5), c = DeterminismTests.train(seed: 6)
        #expect(a == b)
        #expect(a != c)
    }
}
