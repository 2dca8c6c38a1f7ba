// Loss functions, as free functions returning a rank-0 variable.

/// Mean squared error over all elements: mean((prediction − target)²).
/// - Parameters:
///   - prediction: the model output.
///   - target: the regression target (broadcast against `prediction`).
public func meanSquaredError(_ prediction: Variable, _ target: Variable) -> Variable {
    (prediction - target).square().mean()
}

/// A log-variance kept between learned bounds by soft clamps (Chua et al. 2018, PETS appendix A.1;
/// used by MBPO and OfflineRL-Kit).
///
/// ```
/// l ← max − softplus(max − l)
/// l ← min + softplus(l − min)
/// ```
/// Both bounds are usually parameters (initialised 0.5 and −10) trained by adding
/// ``logVarianceBoundPenalty(maxLogVariance:minLogVariance:coefficient:)`` to the loss.
/// - Parameters:
///   - raw: the network's unbounded log-variance output.
///   - maxLogVariance: the upper bound (broadcast against `raw`).
///   - minLogVariance: the lower bound.
public func softBoundedLogVariance(_ raw: Variable, maxLogVariance: Variable, minLogVariance: Variable) -> Variable {
    let upper = maxLogVariance - (maxLogVariance - raw).softplus()
    return minLogVariance + (upper - minLogVariance).softplus()
}

/// The regulariser that pulls the learned log-variance bounds together:
/// `coefficient · (Σ max − Σ min)` (0.01 in PETS/MBPO).
public func logVarianceBoundPenalty(maxLogVariance: Variable, minLogVariance: Variable,
                                    coefficient: Float = 0.01) -> Variable {
    (maxLogVariance.sum() - minLogVariance.sum()) * coefficient
}

/// Gaussian negative log-likelihood with a predicted log-variance, up to constants, as PETS,
/// MBPO and OfflineRL-Kit train dynamics ensembles.
///
/// ```
/// per element:  (μ − y)²·e^(−log σ²) + log σ²
/// reduction:    mean over all axes but the first for an ensemble [E, B, D], then summed over E;
///               mean over everything for rank ≤ 2
/// ```
/// (The usual ½ and ½ log 2π are left out, as in the reference code.)
/// - Parameters:
///   - mean: predicted mean μ.
///   - logVariance: predicted log σ² (e.g. from ``softBoundedLogVariance(_:maxLogVariance:minLogVariance:)``).
///   - target: y.
public func gaussianNegativeLogLikelihood(mean: Variable, logVariance: Variable, target: Variable) -> Variable {
    let perElement = (mean - target).square() * (-logVariance).exp() + logVariance
    if perElement.rank == 3 {
        let members = perElement.shape[0]
        return perElement.reshaped([members, -1]).mean(axis: 1).sum()
    }
    return perElement.mean()
}
