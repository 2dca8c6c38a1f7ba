import ArgumentParser
import Foundation
import ExperimentRunner

extension ORL {
    /// `orl results EXPERIMENT...`: an experiment's table from its finished runs.
    struct Results: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an experiment's table (mean ± std over seeds, published numbers, Welch's t) from its finished runs.",
            discussion: """
                Reads Experiments/NAME/experiment.json (the table's title, K, compared arms, published \
                numbers) and the finished runs of Experiments/NAME/runs.txt: each run directory that holds \
                its final artefact, else its committed record in Experiments/run-records. A run's score is \
                the mean D4RL-normalized score of its last K evaluations. Writes results.md, results.csv, \
                results.json and curves.csv (every finished run's learning curve; \
                `python3 Experiments/plot_curves.py NAME` draws them) into the folder, and prints the table \
                in the chosen format. Run from the repository root.
                """)

        /// Output formats.
        enum Format: String, ExpressibleByArgument, CaseIterable { case md, csv, json }

        @Argument(help: "Experiments/ folder names.")
        var experiments: [String]

        @Option(help: "What to print: md, csv or json (all three are written to the folder).")
        var format: Format = .md

        func run() throws {
            for name in experiments {
                let folder = name.contains("/") ? name : "Experiments/\(name)"
                try Self.writeTable(folder: folder, format: format, print: true)
            }
        }

        /// Builds `folder`'s table, writes its files and prints it in `format` when asked.
        static func writeTable(folder: String, format: Format, print shouldPrint: Bool) throws {
            let specPath = "\(folder)/experiment.json", listPath = "\(folder)/runs.txt"
            guard FileManager.default.fileExists(atPath: specPath), FileManager.default.fileExists(atPath: listPath) else {
                throw ValidationError("\(folder) has no experiment.json and runs.txt (run from the repository root)")
            }
            let spec = try ExperimentSpec(path: specPath)
            let lists = try ([listPath] + (spec.alsoLists ?? [])).map { path in try RunList(path: path) }
            let table = try ResultsTable(spec: spec, lists: lists)
            let json = try table.json()
            try Data(table.markdown.utf8).write(to: URL(fileURLWithPath: "\(folder)/results.md"), options: .atomic)
            try Data(table.csv.utf8).write(to: URL(fileURLWithPath: "\(folder)/results.csv"), options: .atomic)
            try json.write(to: URL(fileURLWithPath: "\(folder)/results.json"), options: .atomic)
            try Data(table.curvesCSV.utf8).write(to: URL(fileURLWithPath: "\(folder)/curves.csv"), options: .atomic)
            guard shouldPrint else { Swift.print("wrote \(folder)/results.md"); return }
            switch format {
            case .md: Swift.print(table.markdown, terminator: "")
            case .csv: Swift.print(table.csv, terminator: "")
            case .json: Swift.print(String(decoding: json, as: UTF8.self))
            }
        }
    }
}
