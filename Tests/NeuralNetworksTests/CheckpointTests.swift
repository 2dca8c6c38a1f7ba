import Testing
import NeuralNetworks
import TestSupport

/// HDF5 checkpoints: round trip of parameters and optimizer state, shape errors, and h5py
/// reading a parameter by name.
@Suite("Checkpoints")
struct CheckpointTests {
    @Test("save/load restores parameters and Adam state: training continues bit-identically")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 3)
        let x = Variable(Tensor.normal([8, 3], rng: &rng)), y = Variable(Tensor.normal([8, 1], rng: &rng))
        func train(_ net: MLP, _ opt: Adam, steps: Int) {
            for _ in 0..<steps {
                opt.zeroGrad()
                meanSquaredError(net(x), y).backward()
                opt.step()
            }
        }
        var r1 = RandomGenerator(seed: 9), r2 = RandomGenerator(seed: 10)
        let net = MLP([3, 8, 1], activation: .tanh, rng: &r1), copy = MLP([3, 8, 1], activation: .tanh, rng: &r2)
        let opt = Adam(net.namedParameters(), learningRate: 0.01), copyOpt = Adam(copy.namedParameters(), learningRate: 0.01)
        train(net, opt, steps: 5)
        try Checkpoint.save(net, optimizer: opt, to: dir.path("c.h5"))
        try Checkpoint.load(into: copy, optimizer: copyOpt, from: dir.path("c.h5"))
        #expect(copy.parameterValues() == net.parameterValues())
        train(net, opt, steps: 3)
        train(copy, copyOpt, steps: 3)
        #expect(copy.parameterValues() == net.parameterValues())

        let wrong = MLP([3, 9, 1], activation: .tanh, rng: &r2)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(into: wrong, from: dir.path("c.h5")) }
    }

    @Test("h5py opens the file and reads a parameter by name")
    func h5pyReadsByName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = RandomGenerator(seed: 4)
        let critic = MLP([4, 5, 1], activation: .relu, members: 2, rng: &rng)
        let path = dir.path("critic.h5")
        try Checkpoint.save(to: path, parts: ["critic": (critic, Adam(critic.namedParameters()))])
        let out = try Python.check("""
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                w = f["critic/parameters/layers.0.weight"]
                print(w.dtype, *w.shape, *[repr(float(v)) for v in w[...].ravel()])
            """, arguments: [path])
        let fields = out.split(separator: " ").map(String.init)
        #expect(fields.prefix(4) == ["float32", "2", "4", "5"])
        let values = fields.dropFirst(4).compactMap { Float($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(values == critic.layersWeight0.scalars)
    }
}

extension MLP {
    var layersWeight0: Tensor { parameterValues()["layers.0.weight"]! }
}
