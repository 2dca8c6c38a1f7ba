import Foundation
import Testing
import TestSupport

/// The notebooks under `Notebooks/` are committed without outputs; this executes each one headless
/// (`jupyter nbconvert --execute`, from `.venv-test`) against the results committed in
/// `Experiments/`, and fails on any cell error.
@Suite("Notebooks execute against the committed results")
struct NotebookTests {
    static let notebooks = Python.repositoryRoot.appendingPathComponent("Notebooks")

    static func notebookNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: notebooks.path).filter { $0.hasSuffix(".ipynb") }.sorted()
    }

    @Test func notebooksAreCommittedWithoutOutputs() throws {
        #expect(try Self.notebookNames() == ["morec.ipynb", "ravl-toy.ipynb"])
        for name in try Self.notebookNames() {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.notebooks.appendingPathComponent(name)))
            let cells = try #require((object as? [String: Any])?["cells"] as? [[String: Any]], "\(name) has no cells")
            for cell in cells where cell["cell_type"] as? String == "code" {
                #expect((cell["outputs"] as? [Any])?.isEmpty == true && cell["execution_count"] is NSNull,
                        "\(name): a code cell has outputs; strip them before committing (jupyter nbconvert --clear-output --inplace)")
            }
        }
    }

    @Test(arguments: ["morec.ipynb", "ravl-toy.ipynb"])
    func notebookExecutesWithoutErrors(_ name: String) throws {
        let jupyter = Python.repositoryRoot.appendingPathComponent(".venv-test/bin/jupyter").path
        try #require(FileManager.default.isExecutableFile(atPath: jupyter),
                     "\(jupyter) is missing: run scripts/setup --test (nbconvert, ipykernel, matplotlib in scripts/requirements-test.txt)")
        let out = try TemporaryDirectory()
        defer { out.cleanup() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: jupyter)
        process.arguments = ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120",
                             "--ExecutePreprocessor.kernel_name=python3", "--output-dir", out.url.path,
                             Self.notebooks.appendingPathComponent(name).path]
        var environment = ProcessInfo.processInfo.environment
        environment["JUPYTER_PLATFORM_DIRS"] = "1"
        environment["MPLBACKEND"] = "Agg"
        process.environment = environment
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(name) failed to execute:\n\(text.suffix(4000))")
        guard process.terminationStatus == 0 else { return }
        // The executed copy: no error outputs, and the figures were drawn from the committed results.
        let executed = try JSONSerialization.jsonObject(with: Data(contentsOf: out.url.appendingPathComponent(name)))
        let cells = try #require((executed as? [String: Any])?["cells"] as? [[String: Any]])
        let outputs = cells.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }
        #expect(!outputs.contains { $0["output_type"] as? String == "error" }, "\(name) produced an error output")
        let images = outputs.filter { (($0["data"] as? [String: Any])?["image/png"]) != nil }
        #expect(!images.isEmpty, "\(name) drew no figure")
    }
}
