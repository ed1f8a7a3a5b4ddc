// Per-row symmetric int8 quantization of feature vectors (QuantizedRows in Swift): the query
// patches of every frame and the memory bank at load.
//
// Rounding to nearest with ties away from zero, without a libm call: for |v| < 2^23,
// trunc(v + copysign(0.5 - 2^-25, v)) is exactly round-half-away(v). A tie v = n + 0.5 sums to
// n + 1 - 2^-25, which rounds up to n + 1 (for n = 0 it is halfway between 1 - 2^-24 and 1 and
// ties to the even 1); below a tie, v <= n + 0.5 - ulp(v), and the sum stays below the midpoint
// under n + 1, so it rounds to a float below n + 1; above a tie the sum exceeds n + 1. Here
// |v| <= limit * (1 + 2^-23) by the choice of scale. The clamp comes before the truncating
// conversion, which changes nothing for values inside [-limit, limit] and maps NaN to -limit.
#include "eagle_kernels.h"
#include "requantize.h"

#include <math.h>

/// The largest |x[k]| (0 for none), NaNs skipped. Eight running maxima, not one: a single chain
/// of dependent comparisons was most of the time of a frame's 784 x 144 queries (the vectorized
/// division was not). The maximum of maxima is the same number in any order.
EAGLE_INLINE float qr_largest(const float *x, int dimension) {
    float lanes[8] = {0};
    int k = 0;
    for (; k + 8 <= dimension; k += 8)
        for (int j = 0; j < 8; j++) {
            float a = fabsf(x[k + j]);
            lanes[j] = a > lanes[j] ? a : lanes[j];
        }
    float largest = 0.0f;
    for (int j = 0; j < 8; j++) largest = lanes[j] > largest ? lanes[j] : largest;
    for (; k < dimension; k++) {
        float a = fabsf(x[k]);
        if (a > largest) largest = a;
    }
    return largest;
}

EAGLE_INLINE void qr_rows(const float *rows, int count, int dimension, int limit, int8_t *codes, float *scales,
                          float *squared_norms) {
    const float almost_half = 0x1.fffffep-2f;   // 0.5 - 2^-25
    const float top = (float)limit;
    for (int r = 0; r < count; r++) {
        const float *x = rows + (size_t)r * (size_t)dimension;
        int8_t *q = codes + (size_t)r * (size_t)dimension;
        float largest = qr_largest(x, dimension);
        float scale = largest > 0.0f ? largest / top : 1.0f;
        int32_t sum = 0;   // exact: at most 127^2 per code, and dimensions stay far below 2^31 / 127^2
        for (int k = 0; k < dimension; k++) {
            float v = x[k] / scale;
            float t = v + copysignf(almost_half, v);
            if (!(t >= -top)) t = -top;
            if (t > top) t = top;
            int32_t c = (int32_t)t;
            q[k] = (int8_t)c;
            sum += c * c;
        }
        scales[r] = scale;
        squared_norms[r] = (scale * scale) * (float)sum;
    }
}

#if defined(__x86_64__)
// The same operations on 8 lanes (no FMA: nothing here may be contracted differently).
__attribute__((target("avx2"))) static void qr_rows_avx2(const float *rows, int count, int dimension, int limit,
                                                          int8_t *codes, float *scales, float *squared_norms) {
    qr_rows(rows, count, dimension, limit, codes, scales, squared_norms);
}
#endif

void eagle_quantize_rows(const float *rows, int count, int dimension, int limit, int8_t *codes, float *scales,
                         float *squared_norms) {
#if defined(__x86_64__)
    if (eagle_simd_enabled()) {
        qr_rows_avx2(rows, count, dimension, limit, codes, scales, squared_norms);
        return;
    }
#endif
    qr_rows(rows, count, dimension, limit, codes, scales, squared_norms);
}
