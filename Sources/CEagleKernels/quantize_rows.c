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

#include <math.h>

void eagle_quantize_rows(const float *rows, int count, int dimension, int limit, int8_t *codes, float *scales,
                         float *squared_norms) {
    const float almost_half = 0x1.fffffep-2f;   // 0.5 - 2^-25
    const float top = (float)limit;
    for (int r = 0; r < count; r++) {
        const float *x = rows + (size_t)r * (size_t)dimension;
        int8_t *q = codes + (size_t)r * (size_t)dimension;
        float largest = 0.0f;
        for (int k = 0; k < dimension; k++) {
            float a = fabsf(x[k]);
            if (a > largest) largest = a;
        }
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
