// Per-member copies of a batch, so that each critic's input gradient is its own (the ensemble's
// `perMember` path), and the input gradients every regularizer and diagnostic needs
// (the input-gradient recipe of LipschitzRegularization.md).

extension Tensor {
    /// `[B, d]` repeated into `[N, B, d]`.
    func tiled(members: Int) -> Tensor {
        Tensor.concatenate([Tensor](repeating: reshaped([1, shape[0], shape[1]]), count: members), axis: 0)
    }

    /// −1, 0 or 1 elementwise.
    func sign() -> Tensor { map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
}

/// The input gradients of every critic at every row: ∇_s Qᵢ and ∇_a Qᵢ, each `[N, B, ·]`
/// (<doc:LipschitzRegularization>), with the Q-values `[N, B]`.
///
/// - Parameters:
///   - critics: the ensemble (its power iteration is paused: this reads the critic, it does not train it).
///   - observations: `[B, obs]`.
///   - actions: `[B, act]`.
///   - createGraph: record the gradients for a further derivative (the gradient penalty's
///     double backward); `false` gives plain values.
///   - wantActions: also differentiate with respect to the actions.
public func criticInputGradients(_ critics: CriticEnsemble, observations: Tensor, actions: Tensor,
                                 createGraph: Bool = false, wantActions: Bool = true)
    -> (q: Variable, observations: Variable, actions: Variable?) {
    let n = critics.members
    let o = Variable(observations.tiled(members: n), requiresGrad: true)
    let a = Variable(actions.tiled(members: n), requiresGrad: wantActions)
    let q = critics.withoutPowerIteration { critics.perMember(o, a) }                      // [N, B]
    let g = gradients(of: q.sum(), withRespectTo: wantActions ? [o, a] : [o], createGraph: createGraph)
    return (q, g[0], wantActions ? g[1] : nil)
}
