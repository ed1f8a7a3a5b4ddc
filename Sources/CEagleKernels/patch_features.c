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
