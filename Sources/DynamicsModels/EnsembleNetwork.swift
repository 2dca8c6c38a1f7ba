/// The parameters of a ``DynamicsEnsemble``: an ensemble MLP plus the learned log-variance bounds,
/// the input scaler and the elite indices, all as named variables so that one
/// ``NeuralNetworks/Checkpoint`` file holds the whole model (OfflineRL-Kit keeps `elites` as a
/// parameter too and saves the scaler beside it as `mu.npy`, `std.npy`).
///
/// ```
/// network:  [obs + act] → h₁ → … → h_k → out,  SiLU after each hidden layer,  E members
/// out = [μ(Δs), μ(r)] ‖ [raw log σ²(Δs), raw log σ²(r)]     (probabilistic; width 2·(obs+1))
/// out = [μ(Δs), μ(r)]                                        (deterministic; width obs+1)
/// init: W ~ N(0, (1/(2√in))²) truncated at ±2, b = 0         (ensemble_linear.py)
/// ```
/// Parameter names: `network.layers.<l>.weight` `[E, in, out]`, `network.layers.<l>.bias`
/// `[E, 1, out]`, `maxLogVariance`, `minLogVariance` `[obs + 1]`, `inputMean`, `inputStd`
/// `[obs + act]`, `elites` `[K]` (member indices stored as floats). Only the network and the
/// bounds are trainable.
public final class EnsembleNetwork: Module {
    /// The ensemble MLP.
    public let network: MLP
    /// Learned upper log-variance bound, `[obs + 1]`, shared by the members.
    public let maxLogVariance: Variable
    /// Learned lower log-variance bound, `[obs + 1]`.
    public let minLogVariance: Variable
    /// Input scaler mean, `[obs + act]` (frozen).
    public let inputMean: Variable
    /// Input scaler standard deviation, `[obs + act]` (frozen).
    public let inputStd: Variable
    /// Elite member indices, `[K]` (frozen).
    public let elites: Variable

    /// Builds the network with OfflineRL-Kit's initialisation.
    init(inputSize: Int, targetSize: Int, configuration c: DynamicsEnsembleConfiguration, rng: inout RandomGenerator) {
        let outputSize = c.probabilistic ? 2 * targetSize : targetSize
        let sizes = [inputSize] + c.hiddenSizes + [outputSize]
        network = MLP(sizes, activation: .silu, members: c.members, rng: &rng)
        var values = [String: Tensor]()
        for (l, layer) in network.layers.enumerated() {
            let linear = layer as! EnsembleLinear
            let std = 1 / (2 * Float(linear.inputSize).squareRoot())
            var w = Tensor.normal(linear.weight.shape, std: std, rng: &rng)
            w.withUnsafeMutableBufferPointer { p in
                for i in p.indices { while Swift.abs(p[i]) > 2 { p[i] = std * rng.normal() } }   // trunc_normal_ at ±2
            }
            values["layers.\(l).weight"] = w
            values["layers.\(l).bias"] = Tensor.zeros(linear.bias.shape)
        }
        network.update(parameters: values)
        maxLogVariance = Variable(Tensor(repeating: c.maxLogVarianceInit, shape: [targetSize]), requiresGrad: c.probabilistic)
        minLogVariance = Variable(Tensor(repeating: c.minLogVarianceInit, shape: [targetSize]), requiresGrad: c.probabilistic)
        inputMean = Variable(Tensor.zeros([inputSize]))
        inputStd = Variable(Tensor.ones([inputSize]))
        elites = Variable(Tensor((0..<c.elites).map(Float.init)))
        super.init()
    }

    /// The affine layers, input first.
    var linearLayers: [EnsembleLinear] { network.layers.map { $0 as! EnsembleLinear } }

    /// The elite indices as integers.
    var eliteIndices: [Int] { elites.value.scalars.map { Int($0) } }

    /// The trainable parameters with their names (network, and the bounds when probabilistic).
    func trainableNamedParameters() -> [NamedParameter] {
        namedParameters().filter { $0.variable.requiresGrad }
    }
}
