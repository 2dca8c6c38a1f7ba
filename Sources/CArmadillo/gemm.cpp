// GEMM entry points over OpenBLAS's CBLAS, row-major.
#include "CArmadillo.h"
#include "blas_pool_lock.h"

#include <cstdint>

// CBLAS prototypes (stable ABI), declared here so the shim needs no BLAS header path.
extern "C" {
enum { ORL_CBLAS_ROW_MAJOR = 101, ORL_CBLAS_NO_TRANS = 111, ORL_CBLAS_TRANS = 112 };
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
}

static inline int cblasTranspose(int flag) { return flag ? ORL_CBLAS_TRANS : ORL_CBLAS_NO_TRANS; }

extern "C" void orl_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
                          float alpha, const float *a, int lda, const float *b, int ldb,
                          float beta, float *c, int ldc) {
    orl::withBLASPool([&] {
        cblas_sgemm(ORL_CBLAS_ROW_MAJOR, cblasTranspose(transpose_a), cblasTranspose(transpose_b),
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    });
}

extern "C" void orl_sgemm_batched(int count, int transpose_a, int transpose_b, int m, int n, int k,
                                  float alpha, const float *a, int lda, int64_t stride_a,
                                  const float *b, int ldb, int64_t stride_b,
                                  float beta, float *c, int ldc, int64_t stride_c) {
    const int ta = cblasTranspose(transpose_a), tb = cblasTranspose(transpose_b);
    orl::withBLASPool([&] {
        for (int i = 0; i < count; ++i) {
            cblas_sgemm(ORL_CBLAS_ROW_MAJOR, ta, tb, m, n, k, alpha, a + i * stride_a, lda,
                        b + i * stride_b, ldb, beta, c + i * stride_c, ldc);
        }
    });
}
