/// A small task with a hidden factor, this library's stand-in for the paper's refrigerator
/// example (**not the paper's task**, whose equations were not available; <doc:RewardConsistentDynamics>).
///
/// ```
/// state s = [T, z]       T: temperature, z ∈ {0, 1}: which room the unit stands in, fixed per episode,
///                        a factor of the dynamics that the thermostat policies never look at
/// action a ∈ [0, 1]      cooling power
/// T' = T + 0.05·(T_amb(z) − T) − 1.5·a + ε,   T_amb(0) = 20, T_amb(1) = 32,   ε ~ N(0, 0.05²)
/// z' = z
/// ```
/// The data come from a thermostat around 4° (cool when T > 4, with some random actions), so
/// they cover T ≈ 3…6 only; a test policy that mostly leaves the cooler off drives T far above
/// anything in the data.
public struct ThermalControlTask: Sendable {
    /// Ambient temperature per room.
    public var ambient: (Float, Float) = (20, 32)
    /// Heat-leak rate.
    public var leak: Float = 0.05
    /// Cooling per unit of action.
    public var cooling: Float = 1.5
    /// Transition noise standard deviation.
    public var noise: Float = 0.05

    /// The default task.
    public init() {}

    /// The mean next temperature.
    public func meanNext(temperature t: Float, room z: Float, action a: Float) -> Float {
        let amb = z < 0.5 ? ambient.0 : ambient.1
        return t + leak * (amb - t) - cooling * a
    }

    /// One noisy step of every row: `[B, 2]`, `[B, 1]` → `[B, 2]`.
    public func step(_ states: Tensor, _ actions: Tensor, rng: inout RandomGenerator?) -> Tensor {
        let rows = states.shape[0]
        let s = states.scalars, a = actions.scalars
        var out = [Float](repeating: 0, count: rows * 2)
        for b in 0..<rows {
            let eps: Float = rng != nil ? noise * rng!.normal() : 0
            out[2 * b] = meanNext(temperature: s[2 * b], room: s[2 * b + 1], action: a[b]) + eps
            out[2 * b + 1] = s[2 * b + 1]
        }
        return Tensor(shape: [rows, 2], scalars: out)
    }

    /// The data: `episodes` × `length` steps of the 4° thermostat; a random action with probability 0.2.
    public func collect(episodes: Int, length: Int, rng: inout RandomGenerator) -> (observations: Tensor, actions: Tensor, nextObservations: Tensor, rewards: Tensor) {
        var s = [Float](), a = [Float](), n = [Float](), r = [Float]()
        var noiseRNG: RandomGenerator? = rng.split()
        for _ in 0..<episodes {
            var t = rng.uniform(3, 5)
            let z: Float = rng.uniform() < 0.5 ? 0 : 1
            for _ in 0..<length {
                let act: Float = rng.uniform() < 0.2 ? rng.uniform() : (t > 4 ? 1 : 0)
                let next = step(Tensor(shape: [1, 2], scalars: [t, z]), Tensor([act]).reshaped([1, 1]), rng: &noiseRNG).scalars[0]
                s += [t, z]; a.append(act); n += [next, z]; r.append(-Swift.abs(next - 4))
                t = next
            }
        }
        let count = r.count
        return (Tensor(shape: [count, 2], scalars: s), Tensor(shape: [count, 1], scalars: a),
                Tensor(shape: [count, 2], scalars: n), Tensor(r))
    }

    /// The termination rule (never).
    public static let termination = TerminationFunction(name: "thermal", observationDimension: 2) { _ in false }
}
