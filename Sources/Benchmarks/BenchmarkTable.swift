/// Renders benchmark results as an aligned text table for people.
public enum BenchmarkTable {
    /// The results as a table with one row per workload (median time, GFLOP/s, ratio, extras).
    public static func render(_ results: [BenchmarkResult]) -> String {
        var rows = [["workload", "median ms", "GFLOP/s", "ratio to peak", "notes"]]
        for r in results {
            let notes = r.extra.keys.sorted().map { key -> String in
                switch r.extra[key]! {
                case let .number(x): return "\(key)=\(format(x))"
                case let .string(s): return "\(key)=\(s)"
                case let .bool(b): return "\(key)=\(b)"
                }
            }.joined(separator: " ")
            rows.append([r.workload, format(r.medianMs), r.gflops.map(format) ?? "-", r.ratio.map(format) ?? "-", notes])
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max()! }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == 4 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func format(_ x: Double) -> String {
        let magnitude = Swift.abs(x)
        let digits = magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4
        return String(format: "%.\(digits)f", x)
    }
}

import Foundation
