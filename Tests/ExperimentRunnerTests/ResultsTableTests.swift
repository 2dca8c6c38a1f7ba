import Foundation
import Testing
import TestSupport
import ExperimentRunner

@Suite("Results layer: scores, tables, Welch's t")
struct ResultsTableTests {
    /// SciPy 1.x's `ttest_ind(a, b, equal_var=False)` on these samples (run once with the Kit
    /// venv's SciPy): the statistic, the Welch–Satterthwaite df and the two-sided p-value.
    @Test func welchMatchesSciPy() throws {
        let test = try #require(WelchTest([42.8, 37.9, 34.6], [44.3, 42.2, 46.3]))
        #expect(abs(test.t - -2.192989343637254) < 1e-9)
        #expect(abs(test.degreesOfFreedom - 2.9309087991754703) < 1e-9)
        #expect(abs(test.pValue - 0.11803891639875214) < 1e-6)
        // Student's t with 1 df is Cauchy: P(|T| ≥ 1) = 1/2 exactly.
        #expect(abs(WelchTest.twoSidedP(t: 1, degreesOfFreedom: 1) - 0.5) < 1e-12)
        // Large df tends to the normal: P(|Z| ≥ 1.96) ≈ 0.05.
        #expect(abs(WelchTest.twoSidedP(t: 1.959963984540054, degreesOfFreedom: 1e7) - 0.05) < 1e-5)
        #expect(WelchTest([1], [2, 3]) == nil)
        #expect(WelchTest([1, 1], [2, 2]) == nil)
    }

    /// `orl results mopo-mobile` on the committed run records gives the numbers of the table the
    /// retired Python summarizer wrote from the same records (Experiments/mopo-mobile/results.md
    /// before 2026-12-06): last-3 mean per seed, mean ± std over 3 seeds.
    @Test func committedMOPOMOBILETableIsReproduced() throws {
        let root = Python.repositoryRoot.path
        let spec = try ExperimentSpec(path: "\(root)/Experiments/mopo-mobile/experiment.json")
        var list = try RunList(path: "\(root)/Experiments/mopo-mobile/runs.txt")
        // Run directories as seen from the repository root, wherever the test runs.
        list.runs = list.runs.map { var r = $0; r.directory = "\(root)/\(r.directory)"; return r }
        let table = try ResultsTable(spec: spec, lists: [list], records: "\(root)/Experiments/run-records")
        let expected: [(String, String, Double, Double, [Double])] = [
            ("halfcheetah-medium-orl", "mopo", 38.4, 4.2, [42.8, 37.9, 34.6]),
            ("halfcheetah-medium-orl", "mobile", 44.3, 2.1, [44.3, 42.2, 46.3]),
            ("hopper-medium-orl", "mopo", 8.3, 4.3, [3.6, 12.1, 9.3]),
            ("hopper-medium-orl", "mobile", 14.2, 4.8, [18.1, 8.8, 15.8]),
        ]
        #expect(table.rows.count == expected.count)
        for (row, want) in zip(table.rows, expected) {
            #expect(row.dataset == want.0 && row.arm == want.1)
            #expect(row.finished == 3 && row.listed == 3)
            #expect(abs(row.mean - want.2) < 0.05 && abs(row.standardDeviation - want.3) < 0.05, "\(row)")
            #expect(zip(row.scores.sorted { $0.key < $1.key }.map(\.value), want.4).allSatisfy { abs($0 - $1) < 0.05 })
        }
        #expect(table.comparisons.count == 2)
        #expect(table.markdown.contains("| halfcheetah-medium-orl | mopo | 3/3 | 38.4 ± 4.2 |"))
        #expect(table.curvesCSV.split(separator: "\n").count == 1 + 12 * 20)   // 12 runs × 20 evaluations
    }

    /// A run's score is the mean of its last K evaluations; unfinished runs are not in the table.
    @Test func scoreAndUnfinishedRuns() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        func write(_ name: String, scores: [Double], finished: Bool) throws {
            let run = dir.path("runs/data/\(name)")
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            let rows = scores.enumerated().map { (index, score) -> String in
                let step = (index + 1) * 10, wall = Double(index) * 60
                return "\(step),\(score),\(wall)"
            }
            try Data((["step,normalized_score,wall_seconds"] + rows).joined(separator: "\n").utf8)
                .write(to: URL(fileURLWithPath: run + "/progress.csv"))
            if finished { FileManager.default.createFile(atPath: run + "/final.h5", contents: Data()) }
        }
        try write("a-seed1", scores: [0, 10, 20, 30], finished: true)
        try write("a-seed2", scores: [0, 20, 40, 60], finished: true)
        try write("b-seed1", scores: [5, 5, 5, 5], finished: false)
        let runs = dir.path("runs/data")
        let text = ["a-seed1", "a-seed2", "b-seed1"].map { "orl train --algo x --out " + runs + "/" + $0 }.joined(separator: "\n")
        let table = try ResultsTable(spec: ExperimentSpec(title: "t", lastEvaluations: 2, comparisons: [["a", "b"]],
                                                          reference: .init(source: "s", scores: ["data": ["a": 99]])),
                                     lists: [try RunList(text: text, path: "runs.txt")], records: nil)
        #expect(table.rows.map(\.arm) == ["a", "b"])
        #expect(table.rows[0].scores == [1: 25, 2: 50])
        #expect(table.rows[0].mean == 37.5 && table.rows[0].reference == 99 && table.rows[0].wallMinutes == 3)
        #expect(table.rows[1].finished == 0 && table.rows[1].listed == 1 && table.rows[1].mean.isNaN)
        #expect(table.comparisons.isEmpty)             // b has no finished run
        #expect(table.markdown.contains("none finished"))
        #expect(table.markdown.contains("| 37.5 ± 17.7 |"))

        // One finished seed: its score, no spread of zero.
        try write("b-seed1", scores: [5, 5, 5, 5], finished: true)
        let one = try ResultsTable(spec: ExperimentSpec(title: "t", lastEvaluations: 2,
                                                        columns: [.init(name: "wall", progress: "wall_seconds")]),
                                   lists: [try RunList(text: text, path: "runs.txt")], records: nil)
        #expect(one.rows[1].standardDeviation.isNaN && one.rows[1].columns["wall"]?[1].isNaN == true)
        #expect(one.markdown.contains("| b | 1/1 | 5.0 (one seed) | 1: 5.0 | 150.00 (one seed) |"), "\(one.markdown)")
        #expect(one.markdown.contains("| a | 2/2 | 37.5 ± 17.7 |"))          // two seeds keep their spread
        #expect(one.csv.contains("data,b,1,1,5.0,,1:5.0,,,150.0,,3.0"), "\(one.csv)")
        #expect(throws: ExperimentSpecError.self) { try ExperimentSpec(path: dir.path("missing.json")) }
    }
}
