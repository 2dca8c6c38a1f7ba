import CArmadillo
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The threads behind the library's parallel loops (split GEMMs, fused layer epilogues,
/// optimiser steps): the calling thread plus one helper per further core.
///
/// It is a fork-join loop like `DispatchQueue.concurrentPerform`, with one difference that
/// matters for training steps made of many short parallel jobs: idle helpers poll for the next
/// job for a few hundred microseconds before they sleep, so consecutive jobs do not each pay a
/// thread wake-up (tens of microseconds on a small VM). The caller always claims iterations
/// itself, so a helper that is asleep or descheduled delays a job by at most the iterations it
/// took. `ORL_WORKER_POOL=dispatch` in the environment uses `concurrentPerform` instead (for
/// comparisons).
public enum WorkerPool {
    /// Whether `ORL_WORKER_POOL=dispatch` selected libdispatch instead of the pool.
    static let usesDispatch: Bool = {
        guard let value = getenv("ORL_WORKER_POOL") else { return false }
        return String(cString: value) == "dispatch"
    }()

    /// Calls `body(i)` for every `i` in `0..<iterations`, spread over the pool's threads, and
    /// returns when all calls are done.
    ///
    /// Iterations must be independent (each writes its own memory); which thread runs one never
    /// changes its result. A call made from inside an iteration runs its own iterations in
    /// order on that thread.
    ///
    /// - Parameters:
    ///   - iterations: the number of calls.
    ///   - body: the loop body, given the iteration index.
    public static func run(iterations: Int, _ body: @Sendable (Int) -> Void) {
        if iterations <= 0 { return }
        if iterations == 1 { body(0); return }
        if usesDispatch {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
            return
        }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { pointer in
                orl_pool_run(Int32(iterations), { context, index in
                    context!.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(Int(index))
                }, pointer)
            }
        }
    }
}
