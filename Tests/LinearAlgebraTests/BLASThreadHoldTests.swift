import Dispatch
import Foundation
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

    /// `withThreads(1)` is a hold too: ending it while another thread holds keeps one thread.
    @Test func withThreadsOneIsAHold() async {
        await #expect(processExitsWith: .success) {
            BLASRuntime.threads = 2
            guard BLASRuntime.threads == 2 else { exit(0) }
            let held = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            BLASRuntime.withThreads(1) {
                DispatchQueue.global().async {
                    BLASRuntime.beginSingleThreaded()
                    held.signal()
                    finished.wait()
                    if BLASRuntime.threads != 1 { exit(30) }    // withThreads(1) ended, this hold remains
                    BLASRuntime.endSingleThreaded()
                    done.signal()
                }
                held.wait()
            }
            finished.signal()
            done.wait()
            exit(BLASRuntime.threads == 2 ? 0 : 31)
        }
    }

    /// A hold taken while another thread runs a product on OpenBLAS's own threads must not stop
    /// those threads under it: the other thread then waits for its share of the product forever.
    /// One thread multiplies 96×96 matrices (above OpenBLAS's threading threshold) while another
    /// takes and releases holds for 8 s; a watchdog turns a hang into a failure. Locking only the
    /// products that found two threads when they started (a product that found one thread could
    /// run threaded after a hold ended in between) hung 3 of 4 runs of 4.6 s on a 2-core machine;
    /// an earlier 384×384, 2,000-round version hung only 2 of 6 runs, so it passed here before CI.
    @Test func aHoldWaitsForAnotherThreadsThreadedProduct() async {
        await #expect(processExitsWith: .success) {
            DispatchQueue.global().async { sleep(60); _exit(90) }   // _exit: exit() would wait for BLAS threads
            BLASRuntime.threads = 2
            guard BLASRuntime.threads == 2 else { exit(0) }
            var rng = RandomGenerator(seed: 6)
            let a = Tensor.normal([96, 96], rng: &rng), b = Tensor.normal([96, 96], rng: &rng)
            let expected = a.matmul(b).scalars
            // Holds on a thread of their own, for as long as the products run.
            let productsDone = DispatchSemaphore(value: 0), holdsDone = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                while productsDone.wait(timeout: .now()) == .timedOut {
                    BLASRuntime.beginSingleThreaded()
                    BLASRuntime.endSingleThreaded()
                }
                holdsDone.signal()
            }
            let deadline = DispatchTime.now() + .seconds(8)
            while DispatchTime.now() < deadline {
                let product = a.matmul(b).scalars
                if zip(product, expected).contains(where: { abs($0 - $1) > 1e-2 }) { exit(20) }
            }
            productsDone.signal()
            holdsDone.wait()
            exit(0)
        }
    }
}
