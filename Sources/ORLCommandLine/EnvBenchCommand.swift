import ArgumentParser
import Benchmarks
import OfflineRL

extension ORL.Bench {
    /// `orl bench env`: environment steps per second, as a ratio to a raw `mj_step` loop in the same run.
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "MuJoCo environment steps/s against a raw C loop of mj_step × frame skip on the same model.")

        @OptionGroup var output: BenchOutputOptions

        @Option(name: .customLong("task"), help: "A MuJoCo task to measure (repeatable): halfcheetah, hopper, walker2d.")
        var tasks: [String] = EnvironmentBenchmark.defaultTasks

        func validate() throws {
            let known = EnvironmentBenchmark.defaultTasks
            for task in tasks where !known.contains(task.lowercased()) {
                throw ValidationError("Unknown task \"\(task)\"; known tasks: \(known.joined(separator: ", ")).")
            }
        }

        func run() throws {
            output.print(try EnvironmentBenchmark(rounds: output.rounds, tasks: tasks.map { $0.lowercased() }).run())
        }
    }
}
