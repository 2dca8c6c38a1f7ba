import Foundation

/// Runs Python peers (h5py, gymnasium, mujoco, jax) from tests: a real implementation checks ours.
///
/// The interpreter is `$ORL_PYTHON` if set, else the test virtual environment that
/// `scripts/setup --test` creates at `.venv-test/`, else `python3` on the PATH.
public enum Python {
    /// The repository root (the directory holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("TestSupport: no Package.swift above \(#filePath)")
    }()

    /// Path of the interpreter tests use.
    public static var interpreter: String {
        if let explicit = ProcessInfo.processInfo.environment["ORL_PYTHON"], !explicit.isEmpty { return explicit }
        let venv = repositoryRoot.appendingPathComponent(".venv-test/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return "/usr/bin/env"
    }

    /// The result of one Python run.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `script` (Python source) with `arguments`; returns status and captured output.
    public static func run(_ script: String, arguments: [String] = []) throws -> Output {
        let process = Process()
        let interp = interpreter
        process.executableURL = URL(fileURLWithPath: interp)
        process.arguments = (interp == "/usr/bin/env" ? ["python3"] : []) + ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `script` and returns its standard output, throwing with its stderr if it fails.
    public static func check(_ script: String, arguments: [String] = []) throws -> String {
        let result = try run(script, arguments: arguments)
        guard result.status == 0 else { throw PythonError(status: result.status, stderr: result.stderr) }
        return result.stdout
    }
}

/// A failed Python peer run.
public struct PythonError: Error, CustomStringConvertible {
    public var status: Int32
    public var stderr: String
    public var description: String { "python exited with status \(status):\n\(stderr)" }
}

/// A fresh temporary directory for one test, removed by the caller with `cleanup()`.
public struct TemporaryDirectory {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("orl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func cleanup() { try? FileManager.default.removeItem(at: url) }
}
