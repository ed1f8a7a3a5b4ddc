// The Float arithmetic of PatchCore's patch features (PatchFeatureAggregator in Swift), in the
// same operations and order as its Swift twin, so both give the same bits: plane-wise loops the
// compiler vectorises over positions, where the twin walks one position at a time.
#include "eagle_kernels.h"

static inline int pf_min(int a, int b) { return a < b ? a : b; }
static inline int pf_max(int a, int b) { return a > b ? a : b; }

void eagle_local_mean(const float *input, int channels, int height, int width, int radius, float scale,
                      float *row_sums, float *output) {
    size_t plane = (size_t)height * (size_t)width;
    for (int c = 0; c < channels; c++) {
        const float *in = input + (size_t)c * plane;
        float *out = output + (size_t)c * plane;
        for (int y = 0; y < height; y++) {
            const float *row = in + (size_t)y * (size_t)width;
            float *sums = row_sums + (size_t)y * (size_t)width;
            // Interior columns see the whole window: summed window offset by window offset so
            // the loop over x vectorises, each sum still running left to right from 0.
            int inner_begin = radius, inner_end = width - radius;
            for (int x = inner_begin; x < inner_end; x++) sums[x] = 0.0f;
            for (int dx = -radius; dx <= radius; dx++)
                for (int x = inner_begin; x < inner_end; x++) sums[x] += row[x + dx];
            for (int x = 0; x < width; x++) {
                if (x >= inner_begin && x < inner_end) continue;
                float s = 0.0f;
                for (int dx = pf_max(0, x - radius); dx <= pf_min(width - 1, x + radius); dx++) s += row[dx];
                sums[x] = s;
            }
        }
        for (int y = 0; y < height; y++) {
            float *o = out + (size_t)y * (size_t)width;
            for (int x = 0; x < width; x++) o[x] = 0.0f;
            for (int dy = pf_max(0, y - radius); dy <= pf_min(height - 1, y + radius); dy++) {
                const float *sums = row_sums + (size_t)dy * (size_t)width;
                for (int x = 0; x < width; x++) o[x] += sums[x];
            }
            for (int x = 0; x < width; x++) o[x] *= scale;
        }
    }
}

/// out[d][p] = (sum over c in [bins[2d], bins[2d+1]) of in[c][p]) / count, summed from 0 in c order.
static void pf_pool_planes(const float *in, int positions, const int32_t *bins, int bin_count, float *out) {
    for (int d = 0; d < bin_count; d++) {
        float *o = out + (size_t)d * (size_t)positions;
        for (int p = 0; p < positions; p++) o[p] = 0.0f;
        for (int c = bins[2 * d]; c < bins[2 * d + 1]; c++) {
            const float *x = in + (size_t)c * (size_t)positions;
            for (int p = 0; p < positions; p++) o[p] += x[p];
        }
        float count = (float)(bins[2 * d + 1] - bins[2 * d]);
        for (int p = 0; p < positions; p++) o[p] /= count;
    }
}

void eagle_pool_channels(const float *planes, int positions, const int32_t *tap_bins, int tap_bin_count,
                         const int32_t *bins, int bin_count, float *scratch, float *output) {
    pf_pool_planes(planes, positions, tap_bins, tap_bin_count, scratch);
    // The second pooling writes the output rows (position-major) directly, in tiles of 16
    // positions: each plane is read a cache line at a time (one position at a time read every
    // plane with a stride, a cache miss per value), and the tile's 16 output rows stay in L1
    // while every bin is written. Each value is still summed from 0 in channel order.
    enum { TILE = 16 };
    for (int p0 = 0; p0 < positions; p0 += TILE) {
        int n = pf_min(TILE, positions - p0);
        for (int d = 0; d < bin_count; d++) {
            float s[TILE] = {0};
            for (int c = bins[2 * d]; c < bins[2 * d + 1]; c++) {
                const float *x = scratch + (size_t)c * (size_t)positions + (size_t)p0;
                for (int j = 0; j < n; j++) s[j] += x[j];
            }
            float count = (float)(bins[2 * d + 1] - bins[2 * d]);
            for (int j = 0; j < n; j++) output[(size_t)(p0 + j) * (size_t)bin_count + (size_t)d] = s[j] / count;
        }
    }
}

// MARK: - Patch-feature rows straight from int8 codes
//
// Every step before the bilinear resampling is linear and the tap has one scale and zero point,
// so the channel-bin mean of the neighbourhood mean is an exact integer sum of codes times one
// factor: no plane is dequantised, transposed or averaged in Float.

/// dst[i] = the sum of src[d] for d in [max(0, i - radius), min(n - 1, i + radius)], i in 0..<n,
/// where item i is the vector of `nb` int32 at `i * step` (a row or a column of a position grid).
static void pf_window_sums(const int32_t *src, int32_t *dst, int n, size_t step, int radius, int nb) {
    for (int i = 0; i < n; i++) {
        int32_t *d = dst + (size_t)i * step;
        for (int j = 0; j < nb; j++) d[j] = 0;
        for (int k = pf_max(0, i - radius); k <= pf_min(n - 1, i + radius); k++) {
            const int32_t *s = src + (size_t)k * step;
            for (int j = 0; j < nb; j++) d[j] += s[j];
        }
    }
}

void eagle_tap_feature_rows(const int8_t *codes, int height, int width, int channels, int zero_point, int radius,
                            const int32_t *bins, int bin_count, const float *factors,
                            int out_height, int out_width, const int32_t *x_taps, const float *x_weights,
                            const int32_t *y_taps, const float *y_weights,
                            int32_t *int_scratch, float *float_scratch, float *output, int row_stride, int column) {
    const int nb = bin_count;
    const size_t positions = (size_t)height * (size_t)width;
    int32_t *binned = int_scratch;                       // positions x nb: sum over the bin of (code - zero)
    int32_t *across = int_scratch + positions * (size_t)nb;   // the same, summed along rows
    // Channel bins at each position (a tap's own channels, contiguous in HWC).
    int singletons = nb == channels;
    for (int j = 0; j < nb && singletons; j++) singletons = bins[2 * j] == j && bins[2 * j + 1] == j + 1;
    for (size_t p = 0; p < positions; p++) {
        const int8_t *q = codes + p * (size_t)channels;
        int32_t *b = binned + p * (size_t)nb;
        if (singletons) {   // every channel its own bin (taps at or below the tap dimension): a widening copy
            for (int j = 0; j < nb; j++) b[j] = (int32_t)q[j] - zero_point;
            continue;
        }
        for (int j = 0; j < nb; j++) {
            int32_t s = 0;
            for (int c = bins[2 * j]; c < bins[2 * j + 1]; c++) s += q[c];
            b[j] = s - zero_point * (bins[2 * j + 1] - bins[2 * j]);
        }
    }
    // Window sums: along rows, then along columns; taps outside the map add nothing (zero
    // padding, still counted in the factor's divisor). Integer sums are exact in any order.
    const size_t row = (size_t)width * (size_t)nb;
    for (int y = 0; y < height; y++)
        pf_window_sums(binned + (size_t)y * row, across + (size_t)y * row, width, (size_t)nb, radius, nb);
    int32_t *window = binned;   // no longer needed: reused for the whole-window sums
    for (int x = 0; x < width; x++)
        pf_window_sums(across + (size_t)x * (size_t)nb, window + (size_t)x * (size_t)nb, height, row, radius, nb);
    const int same_grid = out_height == height && out_width == width && !x_taps;
    float *means = same_grid ? NULL : float_scratch;   // positions x nb, when resampled afterwards
    for (size_t p = 0; p < positions; p++) {
        const int32_t *w = window + p * (size_t)nb;
        float *target = same_grid ? output + p * (size_t)row_stride + (size_t)column : means + p * (size_t)nb;
        for (int j = 0; j < nb; j++) target[j] = (float)w[j] * factors[j];
    }
    if (same_grid) return;
    // Bilinear resampling as FloatPlane.resizedBilinear: each source row interpolated along x,
    // a * (1 - fx) + b * fx, then the rows along y, top * (1 - fy) + bottom * fy.
    float *horizontal = float_scratch + positions * (size_t)nb;   // height x out_width x nb
    for (int y = 0; y < height; y++) {
        for (int ox = 0; ox < out_width; ox++) {
            const float *a = means + ((size_t)y * (size_t)width + (size_t)x_taps[2 * ox]) * (size_t)nb;
            const float *b = means + ((size_t)y * (size_t)width + (size_t)x_taps[2 * ox + 1]) * (size_t)nb;
            float f = x_weights[ox], g = 1 - f;
            float *h = horizontal + ((size_t)y * (size_t)out_width + (size_t)ox) * (size_t)nb;
            for (int j = 0; j < nb; j++) h[j] = a[j] * g + b[j] * f;
        }
    }
    for (int oy = 0; oy < out_height; oy++) {
        const float *top = horizontal + (size_t)y_taps[2 * oy] * (size_t)out_width * (size_t)nb;
        const float *bottom = horizontal + (size_t)y_taps[2 * oy + 1] * (size_t)out_width * (size_t)nb;
        float f = y_weights[oy], g = 1 - f;
        for (int ox = 0; ox < out_width; ox++) {
            const float *t = top + (size_t)ox * (size_t)nb, *b = bottom + (size_t)ox * (size_t)nb;
            float *o = output + ((size_t)oy * (size_t)out_width + (size_t)ox) * (size_t)row_stride + (size_t)column;
            for (int j = 0; j < nb; j++) o[j] = t[j] * g + b[j] * f;
        }
    }
}
