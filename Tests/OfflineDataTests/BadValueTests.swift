import HDF5
import OfflineData
import Testing
import TestSupport

/// Values that used to load without a word (issue 35): flags other than 0/1, contradictory flags,
/// integer observations, extreme magnitudes, actions outside the action space, empty files.
@Suite("Bad values are refused with their key and row")
struct BadValueTests {
    static func load(_ raw: RawD4RL, _ dir: TemporaryDirectory, actionBound: Float? = nil) throws -> (String, OfflineDataset) {
        let path = dir.path("raw.hdf5")
        try raw.write(to: path)
        return (path, try D4RLFile.load(path: path, actionBound: actionBound))
    }

    static func error(_ raw: RawD4RL, _ dir: TemporaryDirectory, actionBound: Float? = nil) -> (path: String, error: (any Error)?) {
        let path = dir.path("raw.hdf5")
        do {
            try raw.write(to: path)
            _ = try D4RLFile.load(path: path, actionBound: actionBound)
            return (path, nil)
        } catch {
            return (path, error)
        }
    }

    @Test(arguments: ["terminals", "timeouts"], [2.0, -1, 0.5, .nan])
    func flagsOtherThanZeroOrOneAreRefused(key: String, value: Double) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.arrays[key]!.type = .float32
        raw.set(key, 3, value)
        let (path, error) = Self.error(raw, dir)
        let problem = DatasetProblem(severity: .error, key: key, row: 3, message: "1 flags are neither 0 nor 1 (first: \(value))")
        #expect(error as? OfflineDataError == .invalidData(file: path, problem: problem), "\(String(describing: error))")
        // Reported (as true), not refused, when loading for inspection.
        let report = try D4RLFile.load(path: path, validation: .report)
        #expect(report.validate().contains(problem))
        #expect(report.terminals[3] || report.timeouts![3])
    }

    @Test func integerAndFloatFlagsOfZeroAndOneLoad() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.arrays["terminals"]!.type = .int8
        raw.arrays["timeouts"]!.type = .float64
        let (_, data) = try Self.load(raw, dir)
        #expect(data.terminals[16] && !data.terminals[15] && data.timeouts![6])
        #expect(data.validate().allSatisfy { $0.severity == .warning })
    }

    @Test func aRowBothTerminalAndTimeoutIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.set("timeouts", 16, 1)  // row 16 is terminal
        let (path, error) = Self.error(raw, dir)
        let problem = DatasetProblem(severity: .error, key: "timeouts", row: 16, message: "1 rows are flagged both terminal and timeout")
        #expect(error as? OfflineDataError == .invalidData(file: path, problem: problem), "\(String(describing: error))")
    }

    @Test(arguments: [("observations", HDF5ElementType.int32), ("rewards", .int64), ("actions", .uint8), ("next_observations", .int32)])
    func integerArraysAreRefusedWithTheirDtype(key: String, type: HDF5ElementType) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.arrays[key]!.type = type
        let (path, error) = Self.error(raw, dir)
        #expect(error as? OfflineDataError == .wrongType(file: path, key: key, expected: "float32 or float64", found: "\(type)"),
                "\(String(describing: error))")
    }

    @Test(arguments: [("observations", 13, 3e38, 4), ("rewards", 9, -1e30, 9), ("actions", 5, 2e15, 2), ("next_observations", 0, 1e16, 0)])
    func magnitudesBeyondFloat32RangeAreRefusedWithTheirRow(key: String, index: Int, value: Double, row: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.set(key, index, value)
        let (path, error) = Self.error(raw, dir)
        guard case let .invalidData(file, problem)? = error as? OfflineDataError else {
            Issue.record("expected invalidData, got \(String(describing: error))")
            return
        }
        #expect(file == path && problem.key == key && problem.row == row && problem.severity == .error)
        #expect(problem.message.contains("\(key) row \(row) holds \(Float(value))"), "\(problem)")
    }

    @Test func infinityInFloat64IsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.arrays["rewards"]!.type = .float64
        raw.set("rewards", 11, -.infinity)
        let (path, error) = Self.error(raw, dir)
        #expect(error as? OfflineDataError == .nonFinite(file: path, key: "rewards", row: 11))
    }

    @Test func actionsOutsideTheActionSpaceAreRefusedWhenTheBoundIsKnown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var raw = RawD4RL()
        raw.set("actions", 1, 1.0005)  // within the tolerance
        raw.set("actions", 7, -3)      // row 3
        raw.set("actions", 12, 1.5)    // row 6
        let (path, error) = Self.error(raw, dir, actionBound: ActionBounds.bound(forEnvironment: "Hopper"))
        let problem = DatasetProblem(severity: .error, key: "actions", row: 3,
                                     message: "2 rows hold actions outside the action space [-1.0, 1.0] (first: -3.0)")
        #expect(error as? OfflineDataError == .invalidData(file: path, problem: problem), "\(String(describing: error))")
        // Without a known action space the values load; inspection with a bound lists them.
        let data = try D4RLFile.load(path: path)
        #expect(data.validate(actionBound: 1).contains(problem))
        #expect(!data.validate(actionBound: 3).contains { $0.key == "actions" })
    }

    @Test func anEmptyDatasetIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, error) = Self.error(RawD4RL(rows: 0), dir)
        let problem = DatasetProblem(severity: .error, key: "rewards", message: "the dataset has no rows")
        #expect(error as? OfflineDataError == .invalidData(file: path, problem: problem), "\(String(describing: error))")
        #expect(try D4RLFile.load(path: path, validation: .report).validate() == [problem])
    }

    @Test func aCleanFileHasNoErrorLevelProblem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let (_, data) = try Self.load(RawD4RL(), dir, actionBound: 1)
        #expect(data.count == 20 && data.loadProblems.isEmpty)
        #expect(data.validate(actionBound: 1).allSatisfy { $0.severity == .warning })
    }
}
