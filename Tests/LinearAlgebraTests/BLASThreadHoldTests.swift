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
    /// those threads under it (the first holds did: the other thread then waited for its share of
    /// the product forever). One thread multiplies 384×384 matrices on two BLAS threads while
    /// another takes and releases holds; a watchdog turns a hang into a failure.
    @Test func aHoldWaitsForAnotherThreadsThreadedProduct() async {
        await #expect(processExitsWith: .success) {
            DispatchQueue.global().async { sleep(60); _exit(90) }   // _exit: exit() would wait for BLAS threads
            BLASRuntime.threads = 2
            guard BLASRuntime.threads == 2 else { exit(0) }
            var rng = RandomGenerator(seed: 6)
            let a = Tensor.normal([384, 384], rng: &rng), b = Tensor.normal([384, 384], rng: &rng)
            let expected = a.matmul(b).scalars
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                for _ in 0..<2000 {
                    if worker == 0 {
                        let product = a.matmul(b).scalars
                        if zip(product, expected).contains(where: { abs($0 - $1) > 1e-2 }) { exit(20) }
                    } else {
                        BLASRuntime.beginSingleThreaded()
                        BLASRuntime.endSingleThreaded()
                    }
                }
            }
            exit(0)
        }
    }
}
