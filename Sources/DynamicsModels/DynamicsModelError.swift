/// Why a dynamics model could not be built, trained, saved or loaded.
public enum DynamicsModelError: Error, CustomStringConvertible, Equatable {
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, problem: String)
    /// Training data arrays disagree in shape.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Too few transitions for a training and a holdout set.
    case notEnoughData(transitions: Int, needed: Int)
    /// A checkpoint could not be written or read (file, key, what went wrong).
    case checkpoint(file: String, problem: String)
    /// A training value is NaN, infinite, or so large that the loss would overflow.
    case unusableValue(name: String, row: Int, value: Float)
    /// A quantity became NaN or infinite during training.
    case nonFinite(phase: String, epoch: Int, quantity: String)
    /// The fit's `checkpoint` callback asked it to stop after `epoch` (its state is saved).
    case stopRequested(epoch: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, problem):
            return "dynamics configuration: \(field): \(problem)"
        case let .shapeMismatch(name, expected, found):
            return "dynamics data: \(name) has shape \(found), expected \(expected)"
        case let .notEnoughData(transitions, needed):
            return "dynamics data: \(transitions) transitions, need at least \(needed) for a training and a holdout set"
        case let .checkpoint(file, problem):
            return "dynamics checkpoint \(file): \(problem)"
        case let .unusableValue(name, row, value):
            return "dynamics data: \(name) row \(row) holds \(value), which is not finite or beyond ±\(DynamicsEnsemble.largestUsableMagnitude) (its square overflows Float32); fix or drop that row"
        case let .nonFinite(phase, epoch, quantity):
            return "\(phase): the \(quantity) became NaN or infinite in epoch \(epoch); check the data's scale and the learning rate"
        case let .stopRequested(epoch):
            return "the dynamics fit stopped on request after epoch \(epoch) with its state saved; continue with --resume"
        }
    }
}
