// OpenBLAS kernel selection. Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not recognise
// recent AMD CPUs and falls back to its AVX2 "Haswell" kernels even where AVX-512 is present;
// its SkylakeX kernels are about 1.9x faster there (AMD EPYC Zen 5, 2 vCPUs: 237
// against 425-463 GFLOP/s for sgemm; Experiments/performance/README.md).
// OpenBLAS reads OPENBLAS_CORETYPE only in its load-time constructor, so this file re-runs its
// dynamic-arch initialisation once, early, after checking the CPU really has the instructions.
#include "CArmadillo.h"
#include "blas_pool_lock.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <strings.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define ORL_X86 1
#endif

// OpenBLAS entry points. The dynamic-arch pair exists only in DYNAMIC_ARCH builds, so both are
// weak: with another BLAS build they are null and kernel selection is simply skipped.
extern "C" {
__attribute__((weak)) void gotoblas_dynamic_init(void);
__attribute__((weak)) void gotoblas_dynamic_quit(void);
__attribute__((weak)) char *openblas_get_corename(void);
__attribute__((weak)) int openblas_get_num_threads(void);
__attribute__((weak)) void openblas_set_num_threads(int);
__attribute__((weak)) int blas_thread_shutdown_(void);
}

namespace {

struct CpuFeatures {
    bool avx = false, avx2 = false, fma = false;
    bool avx512f = false, avx512cd = false, avx512bw = false, avx512dq = false, avx512vl = false;
    bool avx512bf16 = false;
    bool osAVX = false, osAVX512 = false;
};

CpuFeatures detectFeatures() {
    CpuFeatures f;
#ifdef ORL_X86
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    const bool osxsave = (ecx >> 27) & 1;
    f.avx = (ecx >> 28) & 1;
    f.fma = (ecx >> 12) & 1;
    if (osxsave) {
        unsigned xcr0lo = 0, xcr0hi = 0;
        __asm__ volatile("xgetbv" : "=a"(xcr0lo), "=d"(xcr0hi) : "c"(0));
        f.osAVX = (xcr0lo & 0x6) == 0x6;        // XMM and YMM state
        f.osAVX512 = (xcr0lo & 0xE6) == 0xE6;   // plus opmask, ZMM_Hi256, Hi16_ZMM
    }
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        f.avx2 = (ebx >> 5) & 1;
        f.avx512f = (ebx >> 16) & 1;
        f.avx512dq = (ebx >> 17) & 1;
        f.avx512cd = (ebx >> 28) & 1;
        f.avx512bw = (ebx >> 30) & 1;
        f.avx512vl = (ebx >> 31) & 1;
    }
    if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
        f.avx512bf16 = (eax >> 5) & 1;
    }
#endif
    return f;
}

const CpuFeatures &features() {
    static const CpuFeatures f = detectFeatures();
    return f;
}

bool hasAVX2() {
    const auto &f = features();
    return f.avx && f.avx2 && f.fma && f.osAVX;
}

bool hasAVX512() {
    const auto &f = features();
    return hasAVX2() && f.avx512f && f.avx512cd && f.avx512bw && f.avx512dq && f.avx512vl && f.osAVX512;
}

// Kernel families this shim may select, with what each needs. Anything else is refused, because
// OpenBLAS exits the process when asked for a name it does not know.
bool coreIsSupported(const char *name) {
    if (!strcasecmp(name, "Cooperlake")) return hasAVX512() && features().avx512bf16;
    if (!strcasecmp(name, "SkylakeX")) return hasAVX512();
    if (!strcasecmp(name, "Haswell") || !strcasecmp(name, "Zen")) return hasAVX2();
    if (!strcasecmp(name, "Sandybridge")) return features().avx && features().osAVX;
    if (!strcasecmp(name, "Nehalem") || !strcasecmp(name, "Prescott")) return true;
    return false;
}

bool coreUsesAVX512(const char *name) {
    return name && (!strcasecmp(name, "SkylakeX") || !strcasecmp(name, "Cooperlake") ||
                    !strcasecmp(name, "SapphireRapids"));
}

bool canReselect() { return gotoblas_dynamic_init && gotoblas_dynamic_quit && openblas_get_corename; }

// Re-runs OpenBLAS's dynamic-arch initialisation with OPENBLAS_CORETYPE=name, once no call is
// using the kernel table it replaces.
void reselect(const char *name) {
    std::unique_lock<std::shared_mutex> pool(orl::blasPoolLock());
    setenv("OPENBLAS_CORETYPE", name, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
}

std::once_flag fastPathOnce;
int switchedKernels = 0;
bool userChoseCore = false;   // OPENBLAS_CORETYPE was set when the process started
bool autotuneDisabled = false;

// Moves from a non-AVX-512 kernel family to SkylakeX when the CPU has AVX-512. Returns 1 if it switched.
int upgradeKernels() {
    if (userChoseCore || autotuneDisabled) return 0;
    if (!canReselect() || !hasAVX512()) return 0;
    if (coreUsesAVX512(openblas_get_corename())) return 0;
    reselect("SkylakeX");
    return 1;
}

void ensureFastPathOnce() {
    // Read the environment before this file ever sets OPENBLAS_CORETYPE itself. An explicit
    // choice (even an empty value, which OpenBLAS interprets itself) is respected.
    userChoseCore = getenv("OPENBLAS_CORETYPE") != nullptr;
    const char *opt = getenv("ORL_BLAS_AUTOTUNE");
    autotuneDisabled = opt && !strcmp(opt, "0");
    switchedKernels = upgradeKernels();
}

// Runs before main(), after OpenBLAS's own constructor (a shared-library dependency initialises
// first), while the process is still single-threaded.
__attribute__((constructor)) void orlBLASConstructor() { orl_blas_ensure_fast_path(); }

} // namespace

std::shared_mutex &orl::blasPoolLock() {
    static std::shared_mutex lock;
    return lock;
}

extern "C" {

const char *orl_blas_corename(void) {
    if (!openblas_get_corename) return "unknown";
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

int orl_blas_ensure_fast_path(void) {
    std::call_once(fastPathOnce, ensureFastPathOnce);
    return switchedKernels;
}

int orl_blas_upgrade_kernels(void) {
    orl_blas_ensure_fast_path();
    return upgradeKernels();
}

int orl_blas_user_chose_core(void) {
    orl_blas_ensure_fast_path();
    return userChoseCore ? 1 : 0;
}

int orl_cpu_supports_avx512(void) { return hasAVX512() ? 1 : 0; }
int orl_cpu_supports_avx2(void) { return hasAVX2() ? 1 : 0; }

int orl_blas_select_core(const char *name) {
    if (!name || !canReselect() || !coreIsSupported(name)) return ORL_INVALID_ARGUMENT;
    orl_blas_ensure_fast_path();
    reselect(name);
    return ORL_OK;
}

int orl_blas_num_threads(void) { return openblas_get_num_threads ? openblas_get_num_threads() : 1; }

// Going down to one thread also stops OpenBLAS's worker threads. Otherwise each idle worker
// keeps polling for work with sched_yield for 2^28 cycles (about 70 ms at 3.7 GHz) after its last
// job before it sleeps, taking a core's share from the library's own workers, which is exactly
// when a caller asks for one BLAS thread (Tensor.parallelGemm splits work itself then). On the
// SAC benchmarks that spinning was about 30% of all CPU samples. OpenBLAS restarts its pool by
// itself on the next call that wants threads (the same path it uses after fork()).
//
// OpenBLAS's thread count and pool are process-wide and not safe to change from two threads at
// once: two trainers that each went down to one thread and back on their own shut the pool down
// twice, and the second shutdown joined a thread id already reused by another thread (a hang seen
// with tests run in parallel). So every change goes through one mutex, and trainers take counted
// holds instead of saving and restoring the count themselves.
namespace {
std::mutex threadCountMutex;
int singleThreadHolds = 0;
int threadsBeforeHolds = 1;

void setThreadsLocked(int threads) {
    if (threads == orl_blas_num_threads()) return;   // nothing to change, no need to wait for calls
    // Wait for calls running on OpenBLAS (they hold the pool lock shared), and keep new ones out
    // until the count and the pool agree again.
    std::unique_lock<std::shared_mutex> pool(orl::blasPoolLock());
    openblas_set_num_threads(threads);
    if (threads == 1 && blas_thread_shutdown_) blas_thread_shutdown_();
}
} // namespace

void orl_blas_set_num_threads(int threads) {
    if (!openblas_set_num_threads || threads <= 0) return;
    std::lock_guard<std::mutex> lock(threadCountMutex);
    setThreadsLocked(threads);
}

void orl_blas_single_thread_begin(void) {
    if (!openblas_set_num_threads) return;
    std::lock_guard<std::mutex> lock(threadCountMutex);
    if (singleThreadHolds++ == 0) {
        threadsBeforeHolds = orl_blas_num_threads();
        setThreadsLocked(1);
    }
}

void orl_blas_single_thread_end(void) {
    if (!openblas_set_num_threads) return;
    std::lock_guard<std::mutex> lock(threadCountMutex);
    if (singleThreadHolds == 0) return;
    if (--singleThreadHolds == 0 && threadsBeforeHolds != 1) setThreadsLocked(threadsBeforeHolds);
}

} // extern "C"
