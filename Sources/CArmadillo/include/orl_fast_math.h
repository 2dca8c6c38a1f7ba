// Scalar math that Swift code inlines and vectorises.
//
// Swift's Float.squareRoot() calls libm's sqrtf on Linux, which may set errno, so loops using it
// stay scalar. __builtin_elementwise_sqrt is the bare IEEE square root (correctly rounded, no
// errno), which the vectoriser turns into sqrtps. Results are bit-identical to sqrtf's.
#ifndef ORL_FAST_MATH_H
#define ORL_FAST_MATH_H

/// √x, correctly rounded, vectorisable.
static inline float orl_sqrtf(float x) {
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    return __builtin_sqrtf(x);
#endif
}

#endif
