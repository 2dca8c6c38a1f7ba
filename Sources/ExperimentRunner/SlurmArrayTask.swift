import Foundation
import PolicyLearning

/// One task of a ``SlurmJob``'s array: runs the list's run at the task's index through the local
/// queue's code path (``RunQueue/execute(_:list:)``), and when that run stopped on request (the
/// `SIGUSR1` Slurm sends `--signal` seconds before the time limit, passed on to the run) requeues
/// this task, which then resumes the run from the checkpoint it wrote.
public struct SlurmArrayTask {
    /// The list's runs.
    public var list: RunList
    /// The 1-based index (`SLURM_ARRAY_TASK_ID`).
    public var index: Int

    /// A task for run `index` of `list`.
    /// - Throws: ``SlurmError/noSuchTask(index:runs:list:)``.
    public init(list: RunList, index: Int) throws(SlurmError) {
        guard list.runs.indices.contains(index - 1) else { throw .noSuchTask(index: index, runs: list.runs.count, list: list.path) }
        self.list = list
        self.index = index
    }

    /// `JOBID_TASKID` from the environment Slurm gives a task (`nil` outside Slurm).
    public static func currentTask(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let job = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        return "\(job)_\(task)"
    }

    /// Runs the task's run with `queue`; requeues the task through `runner` if the run stopped on
    /// request. Returns the run's outcome (``RunQueue/Outcome/failed(_:)`` makes the task fail).
    /// - Throws: ``SlurmError/requeueFailed(task:status:)``.
    public func run(queue: RunQueue, runner: any CommandRunner, task: String? = SlurmArrayTask.currentTask()) throws -> RunQueue.Outcome {
        let outcome = queue.execute(list.runs[index - 1], list: list)
        if outcome == .stopped, let task {
            // Said first: Slurm ends this very process when it requeues the task.
            queue.report("requeue    \(task): the run resumes from its checkpoint when the task starts again")
            let (status, _) = try runner.run("scontrol", ["requeue", task])
            guard status == 0 else { throw SlurmError.requeueFailed(task: task, status: status) }
        }
        return outcome
    }
}
