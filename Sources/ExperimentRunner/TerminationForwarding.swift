import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Passes SIGTERM, SIGINT and SIGHUP that reach the run queue on to the run it waits for. Without
/// it the signal ends the queue alone and its run trains on, orphaned, holding its run directory;
/// with it the run ends too, and then the queue ends by the same signal (``ProcessLauncher/spawn(_:_:stdout:stderr:passOnTermination:)``).
/// The queue's command installs it; a program that only links the library keeps its own handlers.
enum TerminationForwarding {
    /// The signals passed on.
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private static let received = Atomic<Int32>(0)
    private static let installation: Void = {
        for number in signals {
            // Only records the signal (async-signal-safe); the queue's wait loop, which polls every
            // 50 ms, passes it on to the run.
            signal(number) { number in TerminationForwarding.received.store(number, ordering: .relaxed) }
        }
    }()

    /// Installs the handlers (once per process) and unblocks the signals, and `SIGUSR1` (``StopRequest``),
    /// in the calling thread, which the runs it starts inherit: a program started with them blocked
    /// (a test runner's thread, say) would otherwise neither receive them nor let its runs receive them.
    static func install() {
        _ = installation
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals + [SIGUSR1] { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The last termination signal received, if any.
    static var receivedSignal: Int32? {
        let number = received.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// Ends this process by `number` as if no handler had been installed (so its parent, a shell
    /// or Slurm, sees the usual status).
    static func endProcess(by number: Int32) -> Never {
        signal(number, SIG_DFL)
        raise(number)
        exit(128 + number)
    }
}
