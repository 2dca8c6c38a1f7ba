import Dispatch
import Testing
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// `BLASRuntime.beginSingleThreaded()` / `endSingleThreaded()`: counted holds that trainers running
/// side by side in one process take on OpenBLAS's process-wide thread count. Each check runs in a
/// child process, so the count it changes is its own.
@Suite("OpenBLAS single-thread holds")
struct BLASThreadHoldTests {
    @Test func holdsNestAcrossThreadsAndTheLastRestoresTheCount() async {
        await #expect(processExitsWith: .success) {
            BLASRuntime.threads = 2
            guard BLASRuntime.threads == 2 else { exit(0) }    // one usable core: nothing to hold
            BLASRuntime.beginSingleThreaded()
            if BLASRuntime.threads != 1 { exit(10) }
            // A second holder on another thread; the first releases before it.
            let second = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                BLASRuntime.beginSingleThreaded()
                second.signal()
                released.wait()
                if BLASRuntime.threads != 1 { exit(11) }     // the first holder's release kept one thread
                BLASRuntime.endSingleThreaded()
                done.signal()
            }
            second.wait()
            BLASRuntime.endSingleThreaded()
            released.signal()
            done.wait()
            if BLASRuntime.threads != 2 { exit(12) }        // the last release restored the count
            BLASRuntime.endSingleThreaded()                 // an unmatched release changes nothing
            if BLASRuntime.threads != 2 { exit(13) }
            exit(0)
        }
    }
}
