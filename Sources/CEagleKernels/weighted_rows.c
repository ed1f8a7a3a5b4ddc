// Weighted sums of rows (FloatPlane.gaussianBlurred's two passes, in Swift):
//
//     target[x] = ((0 + w[0] * s_0[x]) + w[1] * s_1[x]) + ... + w[taps-1] * s_{taps-1}[x]
//
// in Float, products and sums in exactly this order and no FMA (the target is built with
// -ffp-contract=off), so every path gives the same bits as the plain sequence, whatever its vector
// width. In C rather than with Swift's SIMD8, which the Swift compiler lowers to SSE pairs on
// x86-64 (the baseline it targets): the AVX2 path does each step on 8 outputs in one instruction.
#include "eagle_kernels.h"
#include "requantize.h"

/// Blocks of 8 outputs with 8 running sums (vectorised by the compiler on SSE2 and NEON), then
/// one output at a time.
EAGLE_INLINE void wr_rows(const float *const *sources, const float *weights, int taps, int count, float *target) {
    int x = 0;
    for (; x + 8 <= count; x += 8) {
        float sum[8] = {0};
        for (int k = 0; k < taps; k++)
            for (int j = 0; j < 8; j++) sum[j] += weights[k] * sources[k][x + j];
        for (int j = 0; j < 8; j++) target[x + j] = sum[j];
    }
    for (; x < count; x++) {
        float sum = 0;
        for (int k = 0; k < taps; k++) sum += weights[k] * sources[k][x];
        target[x] = sum;
    }
}

#if defined(__x86_64__)
/// 32 outputs at a time in four independent sums (the additions' latency hidden), then 8, then
/// one at a time.
EAGLE_AVX2 static void wr_rows_avx2(const float *const *sources, const float *weights, int taps, int count, float *target) {
    int x = 0;
    for (; x + 32 <= count; x += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < taps; k++) {
            const __m256 w = _mm256_set1_ps(weights[k]);
            const float *s = sources[k] + x;
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(w, _mm256_loadu_ps(s)));
            a1 = _mm256_add_ps(a1, _mm256_mul_ps(w, _mm256_loadu_ps(s + 8)));
            a2 = _mm256_add_ps(a2, _mm256_mul_ps(w, _mm256_loadu_ps(s + 16)));
            a3 = _mm256_add_ps(a3, _mm256_mul_ps(w, _mm256_loadu_ps(s + 24)));
        }
        _mm256_storeu_ps(target + x, a0);
        _mm256_storeu_ps(target + x + 8, a1);
        _mm256_storeu_ps(target + x + 16, a2);
        _mm256_storeu_ps(target + x + 24, a3);
    }
    for (; x + 8 <= count; x += 8) {
        __m256 a = _mm256_setzero_ps();
        for (int k = 0; k < taps; k++) a = _mm256_add_ps(a, _mm256_mul_ps(_mm256_set1_ps(weights[k]), _mm256_loadu_ps(sources[k] + x)));
        _mm256_storeu_ps(target + x, a);
    }
    for (; x < count; x++) {
        float sum = 0;
        for (int k = 0; k < taps; k++) sum += weights[k] * sources[k][x];
        target[x] = sum;
    }
}
#endif

void eagle_weighted_row_sum(const float *const *sources, const float *weights, int taps, int count, float *target) {
#if defined(__x86_64__)
    if (eagle_simd_enabled()) {
        wr_rows_avx2(sources, weights, taps, count, target);
        return;
    }
#endif
    wr_rows(sources, weights, taps, count, target);
}
