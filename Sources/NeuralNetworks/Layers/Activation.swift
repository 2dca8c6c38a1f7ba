/// The elementwise nonlinearities a layer or ``MLP`` can apply.
public enum Activation: String, Sendable, Codable, CaseIterable {
    /// No nonlinearity.
    case identity
    /// max(x, 0).
    case relu
    /// tanh(x).
    case tanh
    /// 1 / (1 + e⁻ˣ).
    case sigmoid
    /// x·σ(x) ("swish"; Elfwing et al. 2018).
    case silu
    /// log(1 + eˣ).
    case softplus

    /// Applies the activation.
    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .silu: return x.silu()
        case .softplus: return x.softplus()
        }
    }
}
