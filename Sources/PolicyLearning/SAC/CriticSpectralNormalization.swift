/// Which layers of every critic are spectrally normalised, and how (Miyato et al. 2018; Zheng et
/// al. 2023 normalise every layer of the value network; the LipschitzCritics module's LipschitzRegularization article).
///
/// Stored in ``SACConfiguration/criticSpectralNorm`` because it changes the critic's structure
/// (the checkpoint gains the power-iteration vectors u, v of each normalised layer), so an agent
/// rebuilt from a configuration has the same layers. With c = ``scale`` on the normalised layers
/// and ReLU between layers, each member's Lipschitz constant in its `[s, a]` input is at most
/// `c^k · Π(unnormalised layers' spectral norms)` for k normalised layers.
///
/// ```swift
/// var sac = SACConfiguration()
/// sac.criticSpectralNorm = CriticSpectralNormalization(layers: nil, scale: 2)   // every layer, c = 2
/// ```
/// Missing JSON keys decode to the defaults below.
public struct CriticSpectralNormalization: DefaultedSettings {
    /// Indices of the normalised affine layers (0 = the input layer; the output layer is
    /// `hiddenSizes.count`), or `nil` for every layer (Zheng et al.'s choice).
    public var layers: [Int]?
    /// The scale c > 0 each normalised layer's spectral norm is set to (1 in Miyato et al.; above
    /// 1 loosens the bound so MuJoCo-scale Q-values stay representable).
    public var scale: Float
    /// Power iterations per training forward pass (PyTorch's default 1).
    public var powerIterations: Int
    /// Power iterations when the critic is created (10–20 recommended: power iteration
    /// underestimates σ early).
    public var warmUpIterations: Int

    /// Every layer normalised to spectral norm 1.
    public init() { self.init(layers: nil) }

    /// Creates the settings; the defaults normalise every layer to spectral norm 1.
    public init(layers: [Int]? = nil, scale: Float = 1, powerIterations: Int = 1, warmUpIterations: Int = 15) {
        self.layers = layers
        self.scale = scale
        self.powerIterations = powerIterations
        self.warmUpIterations = warmUpIterations
    }

    /// Whether affine layer `index` is normalised.
    public func normalizes(layer index: Int) -> Bool { layers.map { $0.contains(index) } ?? true }

    /// Why these settings do not fit a critic with `layerCount` affine layers, or `nil` when they do.
    public func problem(layerCount: Int) -> String? {
        if !(scale > 0 && scale.isFinite) { return "scale must be a positive number, got \(scale)" }
        if powerIterations < 0 { return "powerIterations must be non-negative, got \(powerIterations)" }
        if warmUpIterations < 0 { return "warmUpIterations must be non-negative, got \(warmUpIterations)" }
        if let layers {
            if layers.isEmpty { return "layers is empty; give at least one layer index or null for every layer" }
            if let bad = layers.first(where: { !(0..<layerCount).contains($0) }) {
                return "layer index \(bad) is out of range; the critic has layers 0...\(layerCount - 1)"
            }
        }
        return nil
    }
}
