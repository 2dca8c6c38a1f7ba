import Foundation
import Synchronization

/// A process-wide request to stop training at the next point where a checkpoint captures the run
/// exactly, set by a signal (`orl train` listens for `SIGUSR1`, which a Slurm job receives
/// `--signal` seconds before its time limit). ``OfflineTrainer`` checks it after every update and
/// after every epoch of a dynamics fit (RAMBO's behaviour cloning after each of its epochs, ending
/// the run before its first update): it writes a checkpoint after the current update (with the
/// metric sums of the evaluation window under way) and throws
/// ``OfflineTrainingError/stopRequested(step:)``, so the resumed run ends bit for bit equal to an
/// uninterrupted one. A run with rollout observers (MOREC's diagnostics, which gather per-window
/// state) trains on to its next evaluation instead (at most
/// ``OfflineTrainingConfiguration/evaluationInterval`` updates).
public enum StopRequest {
    private static let flag = Atomic<Bool>(false)

    /// The exit status of a command that stopped on request with its checkpoint written (`EX_TEMPFAIL`).
    public static let exitStatus: Int32 = 75

    /// Whether a stop was requested.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Requests a stop (what the signal handler does; tests call it directly).
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Withdraws the request (tests; a process that handled it).
    public static func clear() { flag.store(false, ordering: .relaxed) }

    /// Makes `signals` request a stop instead of ending the process.
    public static func install(on signals: [Int32] = [SIGUSR1]) {
        for number in signals { signal(number) { _ in StopRequest.request() } }
    }

    /// Requests a stop once the process `parent` is no longer this process's parent: it died and
    /// this process was handed to another. `orl reproduce` names itself in `ORL_QUEUE_PID`, so a
    /// run whose queue was killed outright (SIGKILL, which the queue cannot pass on) checkpoints and
    /// exits instead of training on with nobody waiting for it. Checks twice a second on a thread of
    /// its own; `report` gets one line when it requests the stop.
    public static func watchParent(_ parent: Int32, report: @escaping @Sendable (String) -> Void) {
        let thread = Thread {
            while getppid() == parent { usleep(500_000) }
            request()
            report("the queue that started this run (process \(parent)) has ended; stopping at the next checkpoint")
        }
        thread.name = "orl-parent-watch"
        thread.start()
    }

    /// The environment variable in which a queue names itself to the runs it starts.
    public static let queueVariable = "ORL_QUEUE_PID"

    /// ``watchParent(_:report:)`` for the process named in ``queueVariable``, if the environment names one.
    public static func watchQueueFromEnvironment(report: @escaping @Sendable (String) -> Void) {
        guard let text = ProcessInfo.processInfo.environment[queueVariable], let parent = Int32(text), parent > 1 else { return }
        watchParent(parent, report: report)
    }
}
