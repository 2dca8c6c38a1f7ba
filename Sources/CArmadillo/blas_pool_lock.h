// The lock between OpenBLAS's thread count and pool and the calls that use them (private to
// CArmadillo).
//
// Every call into OpenBLAS (products here, LAPACK through Armadillo) holds this lock shared for its
// whole call; changing the thread count, and with it stopping or restarting the pool
// (blas_runtime.cpp), holds it exclusively. So a call never sees the pool change under it. An
// earlier version locked only calls that found more than one thread when they started: a call that
// found one thread, and then ran threaded because a hold ended in between, could lose its workers
// to the next hold and wait for them forever (seen on CI). An uncontended shared lock costs one
// atomic operation, nothing beside a product.
#ifndef ORL_BLAS_POOL_LOCK_H
#define ORL_BLAS_POOL_LOCK_H

#include <mutex>
#include <shared_mutex>

namespace orl {

std::shared_mutex &blasPoolLock();

/// Runs `call`, which may use OpenBLAS, holding the pool lock shared.
template <typename Call> inline auto withBLASPool(Call call) -> decltype(call()) {
    std::shared_lock<std::shared_mutex> lock(blasPoolLock());
    return call();
}

} // namespace orl

#endif
