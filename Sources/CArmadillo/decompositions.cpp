// Decompositions through Armadillo (LAPACK underneath). Armadillo is column-major and the Swift
// side row-major: a row-major m×n buffer read column-major is the n×m transpose, so each entry
// point transposes once on the way in and once on the way out.
#include "CArmadillo.h"
#include "blas_pool_lock.h"

#include <armadillo>
#include <cstring>

namespace {

arma::fmat fromRowMajor(const float *a, int rows, int cols) {
    const arma::fmat transposed(const_cast<float *>(a), cols, rows, /*copy_aux_mem=*/false, /*strict=*/true);
    return transposed.t();
}

void toRowMajor(const arma::fmat &m, float *out) {
    const arma::fmat transposed = m.t();
    std::memcpy(out, transposed.memptr(), sizeof(float) * transposed.n_elem);
}

// Runs a decomposition under the BLAS pool lock (LAPACK may use OpenBLAS's threads) and turns
// Armadillo's exceptions into status codes.
template <class Body> int guarded(Body body) {
    try {
        return orl::withBLASPool(body);
    } catch (const std::bad_alloc &) {
        return ORL_INTERNAL_ERROR;
    } catch (const std::logic_error &) {
        return ORL_INVALID_ARGUMENT;
    } catch (...) {
        return ORL_INTERNAL_ERROR;
    }
}

} // namespace

extern "C" int orl_svd(const float *a, int m, int n, float *u, float *s, float *vt) {
    if (m <= 0 || n <= 0) return ORL_INVALID_ARGUMENT;
    return guarded([&] {
        arma::fmat U, V;
        arma::fvec S;
        if (!arma::svd_econ(U, S, V, fromRowMajor(a, m, n), "both", "dc")) return (int)ORL_NOT_CONVERGED;
        toRowMajor(U, u);
        std::memcpy(s, S.memptr(), sizeof(float) * S.n_elem);
        toRowMajor(V.t(), vt);
        return (int)ORL_OK;
    });
}

extern "C" int orl_spectral_norm(const float *a, int m, int n, float *result) {
    if (m <= 0 || n <= 0) return ORL_INVALID_ARGUMENT;
    return guarded([&] {
        arma::fvec S;
        if (!arma::svd(S, fromRowMajor(a, m, n))) return (int)ORL_NOT_CONVERGED;
        *result = S.n_elem > 0 ? S(0) : 0.0f;
        return (int)ORL_OK;
    });
}

extern "C" int orl_eig_sym(const float *a, int n, float *eigenvalues, float *eigenvectors) {
    if (n <= 0) return ORL_INVALID_ARGUMENT;
    return guarded([&] {
        const arma::fmat A = fromRowMajor(a, n, n);
        arma::fvec values;
        arma::fmat vectors;
        if (!arma::eig_sym(values, vectors, arma::symmatl(0.5f * (A + A.t())), "dc")) return (int)ORL_NOT_CONVERGED;
        std::memcpy(eigenvalues, values.memptr(), sizeof(float) * values.n_elem);
        toRowMajor(vectors, eigenvectors);
        return (int)ORL_OK;
    });
}

extern "C" int orl_cholesky(const float *a, int n, float *l) {
    if (n <= 0) return ORL_INVALID_ARGUMENT;
    return guarded([&] {
        arma::fmat L;
        if (!arma::chol(L, fromRowMajor(a, n, n), "lower")) return (int)ORL_NOT_POSITIVE_DEFINITE;
        toRowMajor(L, l);
        return (int)ORL_OK;
    });
}

extern "C" int orl_solve(const float *a, int n, const float *b, int nrhs, float *x) {
    if (n <= 0 || nrhs <= 0) return ORL_INVALID_ARGUMENT;
    return guarded([&] {
        arma::fmat X;
        // no_approx: a singular system is an error, not a least-squares answer.
        if (!arma::solve(X, fromRowMajor(a, n, n), fromRowMajor(b, n, nrhs), arma::solve_opts::no_approx))
            return (int)ORL_SINGULAR;
        toRowMajor(X, x);
        return (int)ORL_OK;
    });
}
