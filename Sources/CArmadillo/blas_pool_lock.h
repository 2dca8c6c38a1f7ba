// The lock between OpenBLAS's thread pool and the calls that use it (private to CArmadillo).
//
// A product that runs on OpenBLAS's own threads (count > 1) holds this lock shared for its whole
// call; stopping the pool (blas_runtime.cpp, when a one-thread hold begins) holds it exclusively.
// Without it, a hold taken while another thread's threaded product was in flight stopped the
// pool under that product, which then waited for its workers forever.
#ifndef ORL_BLAS_POOL_LOCK_H
#define ORL_BLAS_POOL_LOCK_H

#include <shared_mutex>

namespace orl {
std::shared_mutex &blasPoolLock();
}

#endif
