// A small fork-join pool for the library's own parallel loops (split GEMMs, fused layer
// epilogues, Adam). It replaces DispatchQueue.concurrentPerform on the hot path because
// libdispatch parks its worker threads on a futex as soon as a job ends, and waking a parked
// thread on a 2-vCPU VM takes tens of microseconds; a SAC update issues about 70 parallel jobs
// separated by short serial stretches, so most of them paid that wake-up. Here the helpers poll
// for the next job for a bounded time (kSpinMicroseconds) with `pause`, then sleep on a
// condition variable. The caller always takes part and claims iterations itself, so a helper
// that is slow to wake only costs the iterations it actually claimed.
//
// Iterations are claimed through one 64-bit word holding (generation << 32 | next index), so a
// helper that wakes late can never claim an iteration of a later job with an earlier job's
// function. Each iteration must be independent of the others; which thread runs it does not
// change the result.
#include "CArmadillo.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ORL_PAUSE() _mm_pause()
#else
#define ORL_PAUSE() std::this_thread::yield()
#endif

namespace {

// How long an idle helper keeps polling before it sleeps: longer than the serial gaps inside one
// training step (so consecutive jobs find it awake), short enough that an idle process gives the
// core back almost at once.
constexpr int64_t kSpinMicroseconds = 300;

int64_t nowMicroseconds() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Pool {
    std::atomic<uint64_t> state{0};          // generation << 32 | next unclaimed iteration
    std::atomic<orl_pool_body> body{nullptr};
    std::atomic<void *> context{nullptr};
    std::atomic<int> count{0};
    std::atomic<int> finished{0};            // iterations of the current job completed
    std::atomic<bool> busy{false};           // a caller owns the pool
    std::atomic<int> sleepers{0};
    std::mutex mutex;
    std::condition_variable wakeup;
    int helpers = 0;

    static uint32_t generationOf(uint64_t s) { return uint32_t(s >> 32); }

    // Claims and runs iterations of generation `gen` until none are left; returns how many ran.
    int drain(uint32_t gen) {
        int ran = 0;
        uint64_t s = state.load(std::memory_order_acquire);
        orl_pool_body fn = body.load(std::memory_order_relaxed);
        void *ctx = context.load(std::memory_order_relaxed);
        const int n = count.load(std::memory_order_relaxed);
        for (;;) {
            if (generationOf(s) != gen) return ran;
            const int index = int(uint32_t(s));
            if (index >= n) return ran;
            if (state.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
                fn(ctx, index);
                ++ran;
                finished.fetch_add(1, std::memory_order_release);
                s = state.load(std::memory_order_acquire);
            }
        }
    }

    void helperLoop() {
        uint32_t seen = generationOf(state.load(std::memory_order_acquire));
        for (;;) {
            // Poll for a new job, then sleep.
            const int64_t deadline = nowMicroseconds() + kSpinMicroseconds;
            uint32_t gen = seen;
            for (int spins = 0;; ++spins) {
                gen = generationOf(state.load(std::memory_order_acquire));
                if (gen != seen) break;
                ORL_PAUSE();
                if ((spins & 63) == 63 && nowMicroseconds() > deadline) {
                    std::unique_lock<std::mutex> lock(mutex);
                    sleepers.fetch_add(1, std::memory_order_seq_cst);
                    while ((gen = generationOf(state.load(std::memory_order_seq_cst))) == seen) wakeup.wait(lock);
                    sleepers.fetch_sub(1, std::memory_order_relaxed);
                    break;
                }
            }
            seen = gen;
            drain(gen);
        }
    }

    void start(int n) {
        helpers = n;
        for (int i = 0; i < n; ++i) {
            std::thread t([this] { helperLoop(); });
            pthread_setname_np(t.native_handle(), "orl-worker");
            t.detach();
        }
    }

    void run(int n, orl_pool_body fn, void *ctx) {
        count.store(n, std::memory_order_relaxed);
        body.store(fn, std::memory_order_relaxed);
        context.store(ctx, std::memory_order_relaxed);
        finished.store(0, std::memory_order_relaxed);
        const uint32_t gen = generationOf(state.load(std::memory_order_relaxed)) + 1;
        state.store(uint64_t(gen) << 32, std::memory_order_seq_cst);
        if (sleepers.load(std::memory_order_seq_cst) > 0) {
            { std::lock_guard<std::mutex> lock(mutex); }
            wakeup.notify_all();
        }
        const int mine = drain(gen);
        (void)mine;
        // Wait for iterations the helpers claimed; they are running, so this is short.
        for (int spins = 0; finished.load(std::memory_order_acquire) < n; ++spins) {
            if (spins < 4096) ORL_PAUSE(); else sched_yield();
        }
    }
};

Pool *sharedPool() {
    // Never destroyed: helpers are detached and may still be polling at exit.
    static Pool *pool = [] {
        auto *p = new Pool();
        const int cpus = orl_usable_cpus();
        p->start(cpus > 1 ? cpus - 1 : 0);
        return p;
    }();
    return pool;
}

} // namespace

extern "C" {

void orl_pool_run(int iterations, orl_pool_body body, void *context) {
    if (iterations <= 0) return;
    Pool *pool = iterations > 1 ? sharedPool() : nullptr;
    bool expected = false;
    // One job at a time: a nested call (from inside an iteration) or a call from another thread
    // while a job runs simply runs its iterations in order on the calling thread.
    if (!pool || pool->helpers == 0 || !pool->busy.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
        for (int i = 0; i < iterations; ++i) body(context, i);
        return;
    }
    pool->run(iterations, body, context);
    pool->busy.store(false, std::memory_order_release);
}

int orl_usable_cpus(void) {
    // The affinity mask, not the machine: a process pinned to one core (taskset -c 0) gets no
    // helper, which would only take turns with the caller on that core.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? int(online) : 1;
}

int orl_pool_threads(void) {
    return sharedPool()->helpers + 1;
}

} // extern "C"
