#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, splittable pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in the library draws from a generator passed in explicitly, so a run is
/// reproducible from its seed. The integer stream depends only on the seed, identically on every
/// machine; ``normal()`` uses Double-precision libm calls rounded to Float, so it agrees across
/// machines wherever libm is correctly rounded to within Float precision.
///
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// var actorRNG = rng.split()          // an independent stream for another component
/// let u = rng.uniform()               // [0, 1)
/// let z = actorRNG.normal()           // N(0, 1)
/// ```
///
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021).
@frozen
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    @usableFromInline internal var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomGenerator.splitMix64(&sm)
        s1 = RandomGenerator.splitMix64(&sm)
        s2 = RandomGenerator.splitMix64(&sm)
        s3 = RandomGenerator.splitMix64(&sm)
    }

    @usableFromInline
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Returns a new generator for an independent stream and advances this one.
    ///
    /// The child is seeded by SplitMix64 from two outputs of the parent, so splitting the same
    /// parent state always gives the same child, and parent and child streams do not overlap in
    /// practice.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next() ^ (next() &* 0x9E37_79B9_7F4A_7C15))
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform Float in [low, high).
    @inlinable
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// A uniform Double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<upperBound` without modulo bias.
    @inlinable
    public mutating func integer(below upperBound: Int) -> Int {
        tensorPrecondition(upperBound > 0, "integer(below:): upper bound \(upperBound) must be positive")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// A standard normal sample (Box–Muller; each call consumes two uniforms).
    @inlinable
    public mutating func normal() -> Float {
        let (z, _) = normalPair()
        return z
    }

    /// Two independent standard normal samples from one Box–Muller transform.
    @inlinable
    public mutating func normalPair() -> (Float, Float) {
        let u1 = 1 - uniformDouble()      // (0, 1], so log is finite
        let u2 = uniformDouble()
        let radius = (-2 * Glibc_log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * Glibc_cos(angle)), Float(radius * Glibc_sin(angle)))
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical(_ weights: [Float]) -> Int {
        var total = 0.0
        for w in weights {
            tensorPrecondition(w >= 0 && w.isFinite, "categorical: weight \(w) is negative or not finite")
            total += Double(w)
        }
        tensorPrecondition(total > 0, "categorical: all \(weights.count) weights are zero")
        let target = uniformDouble() * total
        var cumulative = 0.0
        for (i, w) in weights.enumerated() {
            cumulative += Double(w)
            if target < cumulative { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }

    /// A random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var result = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { result.swapAt(i, integer(below: i + 1)) }
        }
        return result
    }
}

// libm in Double, named so the struct's own members don't shadow them.
@usableFromInline func Glibc_log(_ x: Double) -> Double { log(x) }
@usableFromInline func Glibc_cos(_ x: Double) -> Double { cos(x) }
@usableFromInline func Glibc_sin(_ x: Double) -> Double { sin(x) }
