import Testing
import TestSupport
import Environments

@Suite("Termination functions")
struct TerminationFunctionTests {
    /// The largest Float whose value is ≤ `bound` and the next Float above it.
    static func floatsAround(_ bound: Double) -> (atOrBelow: Float, above: Float) {
        var f = Float(bound)
        if Double(f) > bound { f = f.nextDown }
        return (f, f.nextUp)
    }

    static func observation(_ count: Int, z: Float, angle: Float, extra: [Int: Float] = [:]) -> [Float] {
        var o = [Float](repeating: 0, count: count)
        o[0] = z
        o[1] = angle
        for (i, x) in extra { o[i] = x }
        return o
    }

    @Test("Hopper bounds on the observation are strict, as in the environment")
    func hopperBounds() {
        let f = TerminationFunction.hopper
        let healthyZ: Float = 1.25
        #expect(!f(Self.observation(11, z: healthyZ, angle: 0)))
        let z = Self.floatsAround(0.7)
        #expect(f(Self.observation(11, z: z.atOrBelow, angle: 0)))
        #expect(!f(Self.observation(11, z: z.above, angle: 0)))
        let angleHigh = Self.floatsAround(0.2), angleLow = Self.floatsAround(-0.2)
        #expect(!f(Self.observation(11, z: healthyZ, angle: angleHigh.atOrBelow)))
        #expect(f(Self.observation(11, z: healthyZ, angle: angleHigh.above)))
        #expect(f(Self.observation(11, z: healthyZ, angle: angleLow.atOrBelow)))
        #expect(!f(Self.observation(11, z: healthyZ, angle: angleLow.above)))
        for index in 2..<11 {
            #expect(f(Self.observation(11, z: healthyZ, angle: 0, extra: [index: 100])), "index \(index) = 100")
            #expect(f(Self.observation(11, z: healthyZ, angle: 0, extra: [index: -100])), "index \(index) = -100")
            #expect(!f(Self.observation(11, z: healthyZ, angle: 0, extra: [index: Float(100).nextDown])), "index \(index)")
        }
        #expect(f(Self.observation(11, z: .nan, angle: 0)))
        #expect(f(Self.observation(11, z: healthyZ, angle: 0, extra: [7: .nan])))
        // OfflineRL-Kit's hopper rule misses this: a large negative entry must terminate.
        #expect(f(Self.observation(11, z: healthyZ, angle: 0, extra: [3: -150])))
    }

    @Test("Walker2d bounds on the observation are strict; there is no state-range check")
    func walkerBounds() {
        let f = TerminationFunction.walker2d
        let zLow = Self.floatsAround(0.8)
        #expect(f(Self.observation(17, z: zLow.atOrBelow, angle: 0)))
        #expect(!f(Self.observation(17, z: zLow.above, angle: 0)))
        #expect(f(Self.observation(17, z: 2, angle: 0)))
        #expect(!f(Self.observation(17, z: Float(2).nextDown, angle: 0)))
        #expect(f(Self.observation(17, z: 1.25, angle: 1)))
        #expect(!f(Self.observation(17, z: 1.25, angle: Float(1).nextDown)))
        #expect(f(Self.observation(17, z: 1.25, angle: -1)))
        #expect(!f(Self.observation(17, z: 1.25, angle: Float(-1).nextUp)))
        // OfflineRL-Kit adds |obs| < 100; the environment does not.
        #expect(!f(Self.observation(17, z: 1.25, angle: 0, extra: [5: 500])))
        #expect(f(Self.observation(17, z: .nan, angle: 0)))
    }

    @Test("HalfCheetah never terminates, whatever the observation")
    func halfCheetahNever() {
        #expect(!TerminationFunction.halfCheetah([Float](repeating: 1e6, count: 17)))
        #expect(!TerminationFunction.halfCheetah([Float](repeating: -1e6, count: 17)))
    }

    @Test("On random states the function of the observation equals the environment's flag", arguments: MuJoCoTask.allCases)
    func matchesEnvironment(task: MuJoCoTask) throws {
        let env = try task.make()
        var rng = RandomGenerator(seed: 21)
        var terminalCount = 0
        for k in 0..<400 {
            var qpos = env.simulator.initialPositions
            // Wide enough to cross every bound; velocities up to 50 (clipped in observations, still < 100).
            for i in qpos.indices { qpos[i] += Double(rng.uniform(-1, 1)) * (i == 1 ? 0.7 : 1.2) }
            if k % 10 == 0 { qpos[3] = Double(rng.uniform(-150, 150)) }
            let qvel = (0..<env.simulator.velocityCount).map { _ in Double(rng.uniform(-50, 50)) }
            env.setState(positions: qpos, velocities: qvel)
            let terminal = env.isTerminal
            terminalCount += terminal ? 1 : 0
            #expect(env.terminationFunction(env.observation) == terminal, "state \(qpos)")
        }
        if !task.isHalfCheetah { #expect(terminalCount > 40 && terminalCount < 360, "both outcomes are sampled") }
    }

    @Test("The batched form equals the per-row form")
    func batch() {
        var rng = RandomGenerator(seed: 2)
        let rows = (0..<64).map { _ in (0..<11).map { i in i == 0 ? rng.uniform(0.5, 1.5) : rng.uniform(-0.3, 0.3) } }
        let flags = TerminationFunction.hopper(Tensor(rows))
        #expect(flags == rows.map { TerminationFunction.hopper($0) })
        #expect(flags.contains(true) && flags.contains(false))
    }

    @Test("Termination functions by name; unknown names list the known ones")
    func named() throws {
        #expect(try TerminationFunction.named("Hopper").name == "hopper")
        #expect(try TerminationFunction.named("walker2d").observationDimension == 17)
        #expect(throws: EnvironmentError.unknownTask(name: "ant", known: environmentNames)) {
            try TerminationFunction.named("ant")
        }
    }
}
