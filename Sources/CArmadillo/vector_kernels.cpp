// Elementwise loops compiled for the widest vector unit the CPU has. Swift code in this package
// is built for baseline x86-64 (4-wide SSE), and no unsafe flags may change that; a C++ function
// can carry its own target attribute, so the hottest elementwise loop gets AVX-512 or AVX2
// versions, chosen once at run time. Floating-point contraction is off, so every version does
// exactly the operations of the Swift code it replaces (FastMath.exp) and the results are the
// same bits on every path.
#include "CArmadillo.h"

#include <cstdint>
#include <cstring>

#pragma clang fp contract(off)

namespace {

// The version for the widest vector unit this CPU has, chosen once at load time.
template <typename Kernel> Kernel widest(Kernel avx512, Kernel avx2, Kernel baseline) {
    if (orl_cpu_supports_avx512()) return avx512;
    if (orl_cpu_supports_avx2()) return avx2;
    return baseline;
}

// FastMath.exp (LinearAlgebra/FastMath.swift), operation for operation.
__attribute__((always_inline)) inline float fastExp(float x) {
    x = (-87.0f >= x) ? -87.0f : x;     // Swift.max(x, -87)
    x = (88.0f < x) ? 88.0f : x;        // Swift.min(x, 88)
    const float shifted = x * 1.44269504f + 12582912.0f;
    const float n = shifted - 12582912.0f;
    const float r = x - n * 0.693359375f + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.1665796e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.0000001e-1f;
    p = p * (r * r) + r + 1.0f;
    uint32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// σ(c) into `sigmoid`, c·σ(c) in place (Kernels.siluInPlace).
#define ORL_SILU_BODY                                   \
    for (long i = 0; i < count; ++i) {                  \
        const float v = c[i];                           \
        const float s = 1.0f / (1.0f + fastExp(-v));    \
        sigmoid[i] = s;                                 \
        c[i] = v * s;                                   \
    }

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
void siluAVX512(float *__restrict c, float *__restrict sigmoid, long count) { ORL_SILU_BODY }

__attribute__((target("avx2,fma")))
void siluAVX2(float *__restrict c, float *__restrict sigmoid, long count) { ORL_SILU_BODY }

void siluBaseline(float *__restrict c, float *__restrict sigmoid, long count) { ORL_SILU_BODY }

using SiluKernel = void (*)(float *__restrict, float *__restrict, long);

const SiluKernel siluKernel = widest(siluAVX512, siluAVX2, siluBaseline);

// c·σ(c) in place as v / (1 + e^(−v)) (EnsembleInference's tape-free forward; no σ kept).
#define ORL_SILU_INFERENCE_BODY                         \
    for (long i = 0; i < count; ++i) {                  \
        const float v = c[i];                           \
        c[i] = v / (1.0f + fastExp(-v));                \
    }

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
void siluInferenceAVX512(float *__restrict c, long count) { ORL_SILU_INFERENCE_BODY }

__attribute__((target("avx2,fma")))
void siluInferenceAVX2(float *__restrict c, long count) { ORL_SILU_INFERENCE_BODY }

void siluInferenceBaseline(float *__restrict c, long count) { ORL_SILU_INFERENCE_BODY }

using SiluInferenceKernel = void (*)(float *__restrict, long);

const SiluInferenceKernel siluInferenceKernel = widest(siluInferenceAVX512, siluInferenceAVX2, siluInferenceBaseline);

// √x without errno: libm's sqrtf may set errno (clang's default -fmath-errno), which kept the
// Adam loop scalar; the elementwise builtin is the same IEEE square root and vectorises.
#if __has_builtin(__builtin_elementwise_sqrt)
#define ORL_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define ORL_SQRT(x) __builtin_sqrtf(x)
#endif

// One Adam/AdamW step over `count` parameters (Adam.applySingle), operation for operation.
#define ORL_ADAM_BODY                                                                      \
    for (long i = 0; i < count; ++i) {                                                     \
        const float theta = p[i] * decay;                                                  \
        const float gi = g[i] + l2 * theta;                                                \
        const float mi = b1 * m[i] + (1.0f - b1) * gi;                                     \
        const float vi = b2 * v[i] + (1.0f - b2) * (gi * gi);                              \
        m[i] = mi;                                                                         \
        v[i] = vi;                                                                         \
        p[i] = theta - stepSize * (mi / (ORL_SQRT(vi) / bias2Root + eps));             \
    }

#define ORL_ADAM_ARGS                                                                      \
    const float *__restrict g, float *__restrict p, float *__restrict m, float *__restrict v, long count, \
    float b1, float b2, float eps, float stepSize, float bias2Root, float decay, float l2

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void adamAVX512(ORL_ADAM_ARGS) { ORL_ADAM_BODY }
__attribute__((target("avx2,fma"))) void adamAVX2(ORL_ADAM_ARGS) { ORL_ADAM_BODY }
void adamBaseline(ORL_ADAM_ARGS) { ORL_ADAM_BODY }

using AdamKernel = void (*)(ORL_ADAM_ARGS);

const AdamKernel adamKernel = widest(adamAVX512, adamAVX2, adamBaseline);

// The pre-activation gradient of `rows` rows of `width` columns (`stride` floats apart), and their
// column sums into `sums` when it is not null (Kernels.activationBackward), operation for operation:
// ReLU keeps g where y > 0 (a mask on g's bits), SiLU gives g·(s + y(1 − s)).
#define ORL_ACTIVATION_BACKWARD_BODY                                                       \
    for (long r = 0; r < rows; ++r) {                                                      \
        const float *__restrict gr = g + r * stride, *__restrict yr = y + r * stride;      \
        const float *__restrict sr = s + r * stride;                                       \
        float *__restrict outr = out + r * stride;                                         \
        if (relu) {                                                                        \
            for (long j = 0; j < width; ++j) {                                             \
                uint32_t bits;                                                             \
                std::memcpy(&bits, gr + j, sizeof bits);                                   \
                bits &= yr[j] > 0.0f ? 0xFFFFFFFFu : 0u;                                   \
                std::memcpy(outr + j, &bits, sizeof bits);                                 \
            }                                                                              \
        } else {                                                                           \
            for (long j = 0; j < width; ++j) outr[j] = gr[j] * (sr[j] + yr[j] * (1.0f - sr[j])); \
        }                                                                                  \
        if (sums) {                                                                        \
            if (r == 0) {                                                                  \
                for (long j = 0; j < width; ++j) sums[j] = outr[j];                        \
            } else {                                                                       \
                for (long j = 0; j < width; ++j) sums[j] += outr[j];                       \
            }                                                                              \
        }                                                                                  \
    }

#define ORL_ACTIVATION_BACKWARD_ARGS                                                       \
    int relu, const float *__restrict g, const float *__restrict y, const float *__restrict s, \
    float *__restrict out, float *__restrict sums, long rows, long width, long stride

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
void activationBackwardAVX512(ORL_ACTIVATION_BACKWARD_ARGS) { ORL_ACTIVATION_BACKWARD_BODY }
__attribute__((target("avx2,fma")))
void activationBackwardAVX2(ORL_ACTIVATION_BACKWARD_ARGS) { ORL_ACTIVATION_BACKWARD_BODY }
void activationBackwardBaseline(ORL_ACTIVATION_BACKWARD_ARGS) { ORL_ACTIVATION_BACKWARD_BODY }

using ActivationBackwardKernel = void (*)(ORL_ACTIVATION_BACKWARD_ARGS);

const ActivationBackwardKernel activationBackwardKernel = widest(activationBackwardAVX512, activationBackwardAVX2, activationBackwardBaseline);

// The version `version` (0 baseline, 1 AVX2, 2 AVX-512) when this CPU can run it, else null.
template <typename Kernel> Kernel version(int version, Kernel avx512, Kernel avx2, Kernel baseline) {
    if (version == 2) return orl_cpu_supports_avx512() ? avx512 : nullptr;
    if (version == 1) return orl_cpu_supports_avx2() ? avx2 : nullptr;
    return version == 0 ? baseline : nullptr;
}

} // namespace

extern "C" int orl_vector_kernels_version(int v, float *c, float *sigmoid, long siluCount,
                                          const float *g, float *p, float *m, float *vv, long adamCount,
                                          int relu, const float *bg, const float *by, const float *bs, float *out,
                                          float *sums, long rows, long width, long stride) {
    const SiluKernel silu = version(v, siluAVX512, siluAVX2, siluBaseline);
    const AdamKernel adam = version(v, adamAVX512, adamAVX2, adamBaseline);
    const ActivationBackwardKernel backward = version(v, activationBackwardAVX512, activationBackwardAVX2,
                                                      activationBackwardBaseline);
    if (!silu || !adam || !backward) return 0;
    silu(c, sigmoid, siluCount);
    adam(g, p, m, vv, adamCount, 0.9f, 0.999f, 1e-8f, 1e-3f, 0.3f, 0.9999f, 1e-4f);
    backward(relu, bg, by, bs, out, sums, rows, width, stride);
    return 1;
}

extern "C" void orl_activation_backward(int relu, const float *g, const float *y, const float *s, float *out,
                                        float *sums, long rows, long width, long stride) {
    activationBackwardKernel(relu, g, y, s, out, sums, rows, width, stride);
}

extern "C" void orl_silu_in_place(float *c, float *sigmoid, long count) { siluKernel(c, sigmoid, count); }

extern "C" void orl_silu_inference_in_place(float *c, long count) { siluInferenceKernel(c, count); }

extern "C" int orl_silu_inference_version(int v, float *c, long count) {
    const SiluInferenceKernel kernel = version(v, siluInferenceAVX512, siluInferenceAVX2, siluInferenceBaseline);
    if (!kernel) return 0;
    kernel(c, count);
    return 1;
}

extern "C" void orl_adam_step(const float *g, float *p, float *m, float *v, long count, float b1, float b2,
                              float eps, float stepSize, float bias2Root, float decay, float l2) {
    adamKernel(g, p, m, v, count, b1, b2, eps, stepSize, bias2Root, decay, l2);
}
