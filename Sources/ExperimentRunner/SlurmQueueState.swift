import Foundation

/// The Slurm state of this user's array tasks (`squeue`), for `orl reproduce --status`.
public enum SlurmQueueState {
    /// An array task: its job's name and its index.
    public struct Key: Hashable, Sendable {
        /// The job's name (`orl-EXPERIMENT`).
        public var jobName: String
        /// The array index.
        public var index: Int

        /// A key.
        public init(jobName: String, index: Int) {
            self.jobName = jobName
            self.index = index
        }
    }

    /// Each queued or running array task's `JOBID_INDEX STATE`; `nil` when Slurm is absent or does not answer.
    public static func current(runner: any CommandRunner) -> [Key: String]? {
        guard let (status, output) = try? runner.run("squeue", ["--noheader", "--array", "--format=%j|%i|%T"]), status == 0 else {
            return nil
        }
        return parse(output)
    }

    /// Parses `squeue --format=%j|%i|%T` lines (`%i` is `JOBID_INDEX` for array tasks).
    public static func parse(_ output: String) -> [Key: String] {
        var states: [Key: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, let underscore = fields[1].lastIndex(of: "_"),
                  let index = Int(fields[1][fields[1].index(after: underscore)...]) else { continue }
            states[Key(jobName: fields[0], index: index)] = "\(fields[1]) \(fields[2])"
        }
        return states
    }
}
