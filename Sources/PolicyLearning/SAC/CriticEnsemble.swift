/// N state-action value networks held as one ensemble: every layer is one batched
/// `[N, B, ·]` operation (CORL's `VectorizedLinear`), so N = 10 costs one op per layer.
///
/// ```
/// Qᵢ(s, a) = MLPᵢ([s, a]),   i = 1 … N,   output [N, B]
/// ```
public final class CriticEnsemble: Module {
    /// The N member networks, `[obs + act] → hidden → 1`, ReLU.
    public let network: MLP
    /// Ensemble size N.
    public let members: Int

    /// Creates N independently initialised critics.
    public init(observationDimension: Int, actionDimension: Int, hiddenSizes: [Int], members: Int,
                rng: inout RandomGenerator) {
        precondition(members >= 1, "CriticEnsemble: needs at least one member")
        network = MLP([observationDimension + actionDimension] + hiddenSizes + [1], activation: .relu,
                      members: members, rng: &rng)
        self.members = members
    }

    /// Q-values of every member, `[N, B]`, for `[B, obs]` observations and `[B, act]` actions.
    public func callAsFunction(_ observations: Variable, _ actions: Variable) -> Variable {
        let b = observations.shape[0]
        return network(Variable.concatenate([observations, actions], axis: 1)).reshaped([members, b])
    }

    /// Q-values for per-member inputs `[N, B, obs]` and `[N, B, act]` (each member sees its own
    /// copy, so input-gradients are per member: EDAC's diversity term needs this).
    public func perMember(_ observations: Variable, _ actions: Variable) -> Variable {
        let b = observations.shape[1]
        return network(Variable.concatenate([observations, actions], axis: 2)).reshaped([members, b])
    }
}
