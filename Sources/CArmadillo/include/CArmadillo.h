// CArmadillo: the package's only C++; a thin extern "C" shim over Armadillo and OpenBLAS.
//
// Every matrix crossing this boundary is row-major and contiguous (the Swift `Tensor` layout);
// the shim converts to Armadillo's column-major layout where a decomposition needs it.
// Functions that can fail return 0 on success and a nonzero `orl_status` otherwise; they never throw.
#ifndef CARMADILLO_H
#define CARMADILLO_H

#include <stdint.h>

#include "orl_fast_math.h"

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Status codes

enum orl_status {
    ORL_OK = 0,
    ORL_NOT_CONVERGED = 1,      // the decomposition did not converge
    ORL_NOT_POSITIVE_DEFINITE = 2,
    ORL_SINGULAR = 3,           // a linear system has no unique solution
    ORL_INVALID_ARGUMENT = 4,
    ORL_INTERNAL_ERROR = 5,
};

// MARK: - OpenBLAS runtime (kernel selection and threads)

/// The OpenBLAS kernel family in use, e.g. "SkylakeX" or "Haswell" (a static string).
const char *orl_blas_corename(void);

/// Makes sure the fastest OpenBLAS kernels this CPU supports are active. Idempotent and
/// thread-safe; also runs as a load-time constructor, so callers rarely need it.
/// Leaves an explicit OPENBLAS_CORETYPE (even an empty one) and ORL_BLAS_AUTOTUNE=0 alone.
/// Returns 1 if it switched kernels during this process, 0 otherwise.
int orl_blas_ensure_fast_path(void);

/// The selection step itself, without the once-per-process guard: if OpenBLAS runs a kernel family
/// without AVX-512 on a CPU that has it (and the user chose no OPENBLAS_CORETYPE at start-up),
/// switch to SkylakeX. Returns 1 if it switched. Not thread-safe (see orl_blas_select_core).
int orl_blas_upgrade_kernels(void);

/// 1 if OPENBLAS_CORETYPE was set when the process started (the library then never overrides it).
int orl_blas_user_chose_core(void);

/// Reports whether the CPU and the OS support the AVX-512 subset OpenBLAS's SkylakeX kernels use
/// (F, CD, BW, DQ, VL, and the OS saves ZMM state).
int orl_cpu_supports_avx512(void);

/// Reports whether the CPU and the OS support AVX2 and FMA (OpenBLAS's Haswell kernels).
int orl_cpu_supports_avx2(void);

/// Switches OpenBLAS to the named kernel family ("SkylakeX", "Haswell", ...), refusing one the CPU
/// lacks. For benchmarks and tests that compare kernels inside one process. Waits for BLAS calls
/// other threads have in flight. Returns ORL_OK or ORL_INVALID_ARGUMENT.
int orl_blas_select_core(const char *name);

/// Number of threads OpenBLAS uses, and a setter (serialised with the holds below).
int orl_blas_num_threads(void);
void orl_blas_set_num_threads(int threads);

/// Holds OpenBLAS at one thread until the matching orl_blas_single_thread_end(). Holds nest and
/// may be taken from several threads at once (trainers running side by side): the first sets one
/// thread, the last restores the count the first found. Thread-safe.
void orl_blas_single_thread_begin(void);
void orl_blas_single_thread_end(void);

// MARK: - Worker pool (worker_pool.cpp)

/// One iteration of a parallel loop: `context` as given to orl_pool_run, `index` in 0..<iterations.
typedef void (*orl_pool_body)(void *context, int index);

/// Runs body(context, i) for every i in 0..<iterations on the calling thread and the pool's
/// helper threads (one fewer than the online CPUs), returning when all are done. Iterations must
/// be independent. Nested calls, and calls from another thread while a job runs, run their
/// iterations in order on the calling thread.
void orl_pool_run(int iterations, orl_pool_body body, void *context);

/// CPUs this process may run on (its affinity mask, e.g. 1 under `taskset -c 0`), at least 1.
int orl_usable_cpus(void);

/// Threads that take part in orl_pool_run: the caller plus the helpers.
int orl_pool_threads(void);

// MARK: - Vectorised elementwise loops (vector_kernels.cpp)

/// sigmoid[i] = σ(c[i]) and c[i] ← c[i]·σ(c[i]) for i < count, with the widest vector unit the
/// CPU has; the same bits as the Swift loop it replaces (FastMath.exp). `c` and `sigmoid` must
/// not overlap.
void orl_silu_in_place(float *c, float *sigmoid, long count);

/// c[i] ← c[i] / (1 + e^(−c[i])) for i < count (SiLU without keeping σ, for tape-free forward
/// passes), with the widest vector unit the CPU has; the same bits as FastMath's scalar loop.
void orl_silu_inference_in_place(float *c, long count);

/// Test hook: one version (0 baseline, 1 AVX2, 2 AVX-512) of orl_silu_inference_in_place;
/// returns 0 (and touches nothing) when this CPU cannot run it.
int orl_silu_inference_version(int version, float *c, long count);

/// One Adam step over `count` parameters, in place on p, m and v (NeuralNetworks' Adam):
/// θ = p·decay, g' = g + l2·θ, m = b1·m + (1 − b1)·g', v = b2·v + (1 − b2)·g'²,
/// p = θ − stepSize·(m / (√v / bias2Root + eps)). The four arrays must not overlap.
void orl_adam_step(const float *g, float *p, float *m, float *v, long count, float b1, float b2,
                   float eps, float stepSize, float bias2Root, float decay, float l2);

/// The gradient before an activation for `rows` rows of `width` columns, `stride` floats apart:
/// out = g where y > 0 (relu ≠ 0; `s` unused) or out = g·(s + y(1 − s)) (SiLU, s = σ(pre)), and,
/// when `sums` is not null, sums[j] = Σ_r out[r, j] summed in row order. Same bits on every path.
void orl_activation_backward(int relu, const float *g, const float *y, const float *s, float *out,
                             float *sums, long rows, long width, long stride);

/// Test hook: runs one version (0 baseline, 1 AVX2, 2 AVX-512) of the three kernels above, SiLU
/// on c/sigmoid, an Adam step (fixed hyper-parameters, decay and L2 both on) on p/m/vv, and the
/// activation backward; returns 0 (and touches nothing) when this CPU cannot run that version.
int orl_vector_kernels_version(int version, float *c, float *sigmoid, long siluCount,
                               const float *g, float *p, float *m, float *vv, long adamCount,
                               int relu, const float *bg, const float *by, const float *bs, float *out,
                               float *sums, long rows, long width, long stride);

// MARK: - GEMM (row-major): C = alpha * op(A) * op(B) + beta * C

/// op(A) is m×k, op(B) is k×n, C is m×n. lda/ldb/ldc are the row strides of the stored matrices.
void orl_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
               float alpha, const float *a, int lda, const float *b, int ldb,
               float beta, float *c, int ldc);

/// `count` independent GEMMs with the same sizes, matrices `stride_*` floats apart
/// (an ensemble's members). A stride of 0 reuses the same matrix for every member.
void orl_sgemm_batched(int count, int transpose_a, int transpose_b, int m, int n, int k,
                       float alpha, const float *a, int lda, int64_t stride_a,
                       const float *b, int ldb, int64_t stride_b,
                       float beta, float *c, int ldc, int64_t stride_c);

// MARK: - Decompositions (Armadillo over LAPACK), row-major in and out

/// Thin SVD of the m×n matrix `a`: a = u · diag(s) · vt with r = min(m, n),
/// u m×r, s r (descending), vt r×n.
int orl_svd(const float *a, int m, int n, float *u, float *s, float *vt);

/// Largest singular value (spectral norm) of the m×n matrix `a`.
int orl_spectral_norm(const float *a, int m, int n, float *result);

/// Eigen-decomposition of the symmetric n×n matrix `a` (only its symmetric part is used):
/// eigenvalues ascending; eigenvectors n×n with eigenvector j in column j.
int orl_eig_sym(const float *a, int n, float *eigenvalues, float *eigenvectors);

/// Lower Cholesky factor l of the symmetric positive-definite n×n matrix `a` (a = l · lᵀ).
int orl_cholesky(const float *a, int n, float *l);

/// Solves a · x = b for the n×n matrix `a` and the n×nrhs right-hand side `b`.
int orl_solve(const float *a, int n, const float *b, int nrhs, float *x);

#ifdef __cplusplus
}
#endif

#endif
