// int8 depthwise k x k convolution, HWC, TensorFlow "same" padding; the twin of
// QuantizedDepthwiseConvolution.applyReference (Sources/Kernels/Int8/Reference).
//
// The SIMD paths vectorise across 16 channels. Taps in the padding read a row of the input zero
// point (so they add (zx - zx) * w = 0), and the bias is folded once with -zx * sum(w), so the
// inner loops multiply raw codes:
//   AVX2: codes widened to int16, two taps interleaved per channel, _mm256_madd_epi16 with the
//         two taps' weights (int16 pairs) adds both products into int32 exactly;
//   NEON: vmull_s8 + vmlal_s8 sum two taps' products in int16 (|x * w| <= 128 * 127, so two fit),
//         vaddw_s16 into int32.
// Output rows are independent: callers split [0, output height) over threads.
#include "eagle_kernels.h"
#include "requantize.h"

#include <stdlib.h>
#include <string.h>

// MARK: - SIMD switch (shared by the depthwise, stem and add kernels)

int eagle_simd_enabled(void) {
#if defined(__x86_64__)
    static int avx2 = -1;
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return avx2 && eagle_kernels_isa() != EAGLE_ISA_PORTABLE;
#elif defined(__aarch64__)
    return eagle_kernels_isa() != EAGLE_ISA_PORTABLE;
#else
    return 0;
#endif
}

const char *eagle_kernels_simd_name(void) {
#if defined(__x86_64__)
    return eagle_simd_enabled() ? "avx2" : "portable";
#elif defined(__aarch64__)
    return eagle_simd_enabled() ? "neon" : "portable";
#else
    return "portable";
#endif
}

// MARK: - Packed layer

enum { TILE = 16 };

typedef struct {
    int32_t channels, kernel, stride, taps;
    int32_t input_zero_point, output_zero_point, low, high;
    int32_t tiles; // ceil(channels / 16)
    int64_t tile_bytes;
    // Byte offsets from the start of the packed buffer.
    int64_t weights_hwc, bias, multipliers, shifts, tile_fast, stream;
} dw_header;

// One tile of 16 channels in the SIMD stream.
#if defined(__x86_64__)
// bias(16 x i32) | weights: ceil(taps/2) pairs x (lo, hi) x 16 x i16 | multiplier | shift |
// fast round | fast shift (16 x i32 each). i32 vectors hold channels 0-3,8-11 then 4-7,12-15.
static size_t tile_bytes(int taps) { return 64 * (size_t)(1 + (taps + 1) / 2 + 4); }
static const int lane_channel[16] = {0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15};
#else
// bias(16 x i32) | weights: taps x 16 x i8 | multiplier | fast shift (16 x i32) | -shift (16 x i64).
static size_t tile_bytes(int taps) { return eagle_round64(64 + 16 * (size_t)taps + 64 + 64 + 128); }
#endif

size_t eagle_depthwise_packed_size(int32_t channels, int32_t kernel) {
    size_t taps = (size_t)kernel * (size_t)kernel, c = (size_t)channels;
    size_t tiles = (c + TILE - 1) / TILE;
    return eagle_round64(sizeof(dw_header)) + eagle_round64(taps * c) + 3 * eagle_round64(4 * c) + eagle_round64(tiles) +
           tiles * tile_bytes((int)taps);
}

void eagle_depthwise_pack(int32_t channels, int32_t kernel, int32_t stride, const int8_t *weights,
                          const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                          int32_t input_zero_point, int32_t output_zero_point, int32_t clamp_low,
                          int32_t clamp_high, void *packed) {
    uint8_t *base = packed;
    memset(base, 0, eagle_depthwise_packed_size(channels, kernel));
    dw_header *h = packed;
    const int taps = kernel * kernel, c = channels;
    *h = (dw_header){
        .channels = c, .kernel = kernel, .stride = stride, .taps = taps,
        .input_zero_point = input_zero_point, .output_zero_point = output_zero_point,
        .low = clamp_low, .high = clamp_high, .tiles = (c + TILE - 1) / TILE,
        .tile_bytes = (int64_t)tile_bytes(taps),
    };
    size_t at = eagle_round64(sizeof(dw_header));
    h->weights_hwc = (int64_t)at; at += eagle_round64((size_t)taps * (size_t)c);
    h->bias = (int64_t)at; at += eagle_round64(4 * (size_t)c);
    h->multipliers = (int64_t)at; at += eagle_round64(4 * (size_t)c);
    h->shifts = (int64_t)at; at += eagle_round64(4 * (size_t)c);
    h->tile_fast = (int64_t)at; at += eagle_round64((size_t)h->tiles);
    h->stream = (int64_t)at;

    int8_t *wt = (int8_t *)(base + h->weights_hwc);
    for (int ch = 0; ch < c; ch++)
        for (int t = 0; t < taps; t++) wt[(size_t)t * (size_t)c + (size_t)ch] = weights[(size_t)ch * (size_t)taps + (size_t)t];
    memcpy(base + h->bias, bias, 4 * (size_t)c);
    memcpy(base + h->multipliers, multipliers, 4 * (size_t)c);
    memcpy(base + h->shifts, shifts, 4 * (size_t)c);
    // Per tile of 16 channels: whether its requantization may take the fast form.
    uint8_t *tile_fast = base + h->tile_fast;
    memset(tile_fast, 1, (size_t)h->tiles);
    for (int ch = 0; ch < c; ch++)
        if (shifts[ch] < EAGLE_RQ_FAST_MIN_SHIFT) tile_fast[ch / TILE] = 0;

    for (int j = 0; j < h->tiles; j++) {
        uint8_t *tile = base + h->stream + (size_t)j * (size_t)h->tile_bytes;
        int32_t fb[TILE], m[TILE], s[TILE], fr[TILE], fs[TILE];
        for (int i = 0; i < TILE; i++) {
            int ch = j * TILE + i;
            if (ch < c) {
                uint32_t sum = 0;
                for (int t = 0; t < taps; t++) sum += (uint32_t)(int32_t)weights[(size_t)ch * (size_t)taps + (size_t)t];
                fb[i] = (int32_t)((uint32_t)bias[ch] - (uint32_t)input_zero_point * sum);
                m[i] = multipliers[ch];
                s[i] = shifts[ch];
            } else {
                fb[i] = 0; m[i] = 0; s[i] = 62;
            }
            eagle_rq_fast_constants(s[i], &fr[i], &fs[i]);
        }
#if defined(__x86_64__)
        int32_t *v = (int32_t *)tile;
        int pairs = (taps + 1) / 2;
        for (int lane = 0; lane < TILE; lane++) v[lane] = fb[lane_channel[lane]];
        int16_t *w = (int16_t *)(tile + 64);
        for (int p = 0; p < pairs; p++) {
            for (int half = 0; half < 2; half++) {       // lo: channels 0-3, 8-11; hi: 4-7, 12-15
                for (int lane = 0; lane < 8; lane++) {
                    int i = lane_channel[half * 8 + lane], ch = j * TILE + i;
                    for (int q = 0; q < 2; q++) {
                        int t = 2 * p + q;
                        int16_t value = (ch < c && t < taps) ? weights[(size_t)ch * (size_t)taps + (size_t)t] : 0;
                        w[(p * 2 + half) * 16 + lane * 2 + q] = value;
                    }
                }
            }
        }
        int32_t *r = (int32_t *)(tile + 64 * (1 + pairs));
        for (int lane = 0; lane < TILE; lane++) {
            int i = lane_channel[lane];
            r[lane] = m[i]; r[16 + lane] = s[i]; r[32 + lane] = fr[i]; r[48 + lane] = fs[i];
        }
#else
        int32_t *v = (int32_t *)tile;
        for (int i = 0; i < TILE; i++) v[i] = fb[i];
        int8_t *w = (int8_t *)(tile + 64);
        for (int t = 0; t < taps; t++)
            for (int i = 0; i < TILE; i++) {
                int ch = j * TILE + i;
                w[t * TILE + i] = ch < c ? weights[(size_t)ch * (size_t)taps + (size_t)t] : 0;
            }
        int32_t *r = (int32_t *)(tile + 64 + 16 * (size_t)taps);
        int64_t *ns = (int64_t *)(tile + 64 + 16 * (size_t)taps + 128);
        for (int i = 0; i < TILE; i++) { r[i] = m[i]; r[16 + i] = fs[i]; ns[i] = -(int64_t)s[i]; }
#endif
    }
}

// MARK: - Geometry

typedef eagle_geometry dw_geometry;

static dw_geometry geometry(const dw_header *h, int height, int width) {
    return eagle_same_geometry(height, width, h->kernel, h->stride);
}

// MARK: - Portable

static void rows_portable(const dw_header *h, const uint8_t *base, const int8_t *input, dw_geometry g,
                          int8_t *output, int row_begin, int row_end) {
    const int c = h->channels, k = h->kernel, s = h->stride;
    const int32_t zx = h->input_zero_point;
    const int8_t *wt = (const int8_t *)(base + h->weights_hwc);
    const int32_t *bias = (const int32_t *)(base + h->bias);
    const int32_t *mult = (const int32_t *)(base + h->multipliers);
    const int32_t *shift = (const int32_t *)(base + h->shifts);
    int32_t *acc = malloc(sizeof(int32_t) * (size_t)c);
    if (!acc) abort();
    for (int oy = row_begin; oy < row_end; oy++) {
        for (int ox = 0; ox < g.out_w; ox++) {
            memcpy(acc, bias, sizeof(int32_t) * (size_t)c);
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * s + ky - g.top;
                if (iy < 0 || iy >= g.in_h) continue;
                for (int kx = 0; kx < k; kx++) {
                    int ix = ox * s + kx - g.left;
                    if (ix < 0 || ix >= g.in_w) continue;
                    const int8_t *x = input + ((size_t)iy * (size_t)g.in_w + (size_t)ix) * (size_t)c;
                    const int8_t *w = wt + (size_t)(ky * k + kx) * (size_t)c;
                    for (int ch = 0; ch < c; ch++) acc[ch] += ((int32_t)x[ch] - zx) * (int32_t)w[ch];
                }
            }
            int8_t *y = output + ((size_t)oy * (size_t)g.out_w + (size_t)ox) * (size_t)c;
            for (int ch = 0; ch < c; ch++)
                y[ch] = (int8_t)eagle_rq_scalar(acc[ch], mult[ch], shift[ch], h->output_zero_point, h->low, h->high);
        }
    }
    free(acc);
}

// MARK: - SIMD

// The pointers of every tap of outputs [ox_begin, ox_end) in row `oy`: into the input, or to `pad` (a row of
// input zero points) for taps in the padding.
static void build_row_table(const dw_header *h, const int8_t *input, dw_geometry g, const int8_t *pad, int oy,
                            int ox_begin, int ox_end, const int8_t **table) {
    const int k = h->kernel, s = h->stride, c = h->channels;
    for (int ox = ox_begin; ox < ox_end; ox++) {
        const int8_t **p = table + (size_t)ox * (size_t)h->taps;
        for (int ky = 0; ky < k; ky++) {
            int iy = oy * s + ky - g.top;
            for (int kx = 0; kx < k; kx++) {
                int ix = ox * s + kx - g.left;
                int inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
                p[ky * k + kx] = inside ? input + ((size_t)iy * (size_t)g.in_w + (size_t)ix) * (size_t)c : pad;
            }
        }
    }
}

// Where output i of a run finds tap t = ky * k + kx (plus the tile's channel offset):
// rows == NULL: table[i * taps + t]; else rows[ky] + i * step + kx * channels (outputs whose
// windows lie inside the input columns; rows out of the input point to a padding row).
typedef struct {
    const int8_t *const *table;
    const int8_t *const *rows;
    size_t offset, step, channels;
} dw_source;

// Taps are compile-time constants in the k = 3 and k = 5 kernels: unrolled, every tap address is
// a row register plus a constant multiple of the channel count.
#if defined(__clang__)
#define DW_UNROLL _Pragma("clang loop unroll(full)")
#else
#define DW_UNROLL
#endif

#define DW_TAP(src, i, t, k, taps, rows_mode)                                                                     \
    ((rows_mode) ? (src).rows[(t) / (k)] + at + (size_t)((t) % (k)) * chan                                       \
                 : (src).table[(size_t)(i) * (size_t)(taps) + (size_t)(t)] + (src).offset)

// Per output: `at` is its offset from the row pointers, `chan` the channel count, made opaque to
// the optimiser so that it addresses taps as row + at + kx * chan (a few registers) rather than
// hoisting one pointer per tap out of the loop (25 for k5, spilled to the stack).
#define DW_OUTPUT_OFFSETS(src, i, rows_mode)                                                                      \
    size_t chan = (src).channels, at = (size_t)(i) * (src).step + (src).offset;                                  \
    if (rows_mode) __asm__("" : "+r"(chan), "+r"(at))

// The full unroll request holds for k3 and k5 only; the kernel of other sizes (tile_any_table)
// keeps the loop, which is fine.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#if defined(__x86_64__)
// `count` outputs of one 16-channel tile, reading taps through `src`, writing 16 codes at
// out + i * out_stride.
EAGLE_AVX2_INLINE void tile_outputs_avx2(const dw_header *h, const uint8_t *tile, dw_source src, int count,
                                         int8_t *out, size_t out_stride, const int taps, const int k,
                                         const int rows_mode, const int fast) {
    const __m256i *v = (const __m256i *)tile;
    const int pairs = (taps + 1) / 2;
    const __m256i bias_lo = _mm256_loadu_si256(v), bias_hi = _mm256_loadu_si256(v + 1);
    const __m256i *w = v + 2;
    const __m256i *r = v + 2 + 2 * pairs;
    const __m256i zp16 = _mm256_set1_epi16((int16_t)h->output_zero_point);
    const __m128i low8 = _mm_set1_epi8((int8_t)h->low), high8 = _mm_set1_epi8((int8_t)h->high);
    const __m256i low64 = _mm256_set1_epi64x(h->low - h->output_zero_point);
    const __m256i high64 = _mm256_set1_epi64x(h->high - h->output_zero_point);
    for (int i = 0; i < count; i++) {
        DW_OUTPUT_OFFSETS(src, i, rows_mode);
        __m256i acc_lo = bias_lo, acc_hi = bias_hi;
        int t = 0;
        DW_UNROLL
        for (; t + 1 < taps; t += 2) {
            __m256i x0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)DW_TAP(src, i, t, k, taps, rows_mode)));
            __m256i x1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)DW_TAP(src, i, t + 1, k, taps, rows_mode)));
            acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), _mm256_loadu_si256(w + t)));
            acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), _mm256_loadu_si256(w + t + 1)));
            // Every 4 pairs, the sums so far are materialised: without this the scheduler hoists
            // all 25 loads of k5 ahead and spills their vectors.
            if (t % 8 == 6) __asm__("" : "+x"(acc_lo), "+x"(acc_hi));
        }
        if (t < taps) {
            __m256i x0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)DW_TAP(src, i, t, k, taps, rows_mode)));
            __m256i zero = _mm256_setzero_si256();
            acc_lo = _mm256_add_epi32(acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, zero), _mm256_loadu_si256(w + t)));
            acc_hi = _mm256_add_epi32(acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, zero), _mm256_loadu_si256(w + t + 1)));
        }
        __m256i q_lo, q_hi;
        if (fast) {
            q_lo = eagle_rq_scale8_fast_avx2(acc_lo, _mm256_loadu_si256(r), _mm256_loadu_si256(r + 4), _mm256_loadu_si256(r + 6));
            q_hi = eagle_rq_scale8_fast_avx2(acc_hi, _mm256_loadu_si256(r + 1), _mm256_loadu_si256(r + 5), _mm256_loadu_si256(r + 7));
        } else {
            q_lo = eagle_rq_scale8_avx2(acc_lo, _mm256_loadu_si256(r), _mm256_loadu_si256(r + 2), low64, high64);
            q_hi = eagle_rq_scale8_avx2(acc_hi, _mm256_loadu_si256(r + 1), _mm256_loadu_si256(r + 3), low64, high64);
        }
        _mm_storeu_si128((__m128i *)(out + (size_t)i * out_stride), eagle_rq_pack16_avx2(q_lo, q_hi, zp16, low8, high8));
    }
    (void)pairs;
}

#define DW_TILE_IMPL tile_outputs_avx2
#define DW_TILE_ATTR EAGLE_AVX2
#elif defined(__aarch64__)
EAGLE_INLINE void tile_outputs_neon(const dw_header *h, const uint8_t *tile, dw_source src, int count,
                                    int8_t *out, size_t out_stride, const int taps, const int k,
                                    const int rows_mode, const int fast) {
    const int32_t *bias = (const int32_t *)tile;
    const int8_t *w = (const int8_t *)(tile + 64);
    const int32_t *m = (const int32_t *)(tile + 64 + 16 * (size_t)taps);
    const int32_t *fs = m + 16;
    const int64_t *ns = (const int64_t *)(m + 32);
    const int16x8_t zp16 = vdupq_n_s16((int16_t)h->output_zero_point);
    const int8x16_t low8 = vdupq_n_s8((int8_t)h->low), high8 = vdupq_n_s8((int8_t)h->high);
    for (int i = 0; i < count; i++) {
        DW_OUTPUT_OFFSETS(src, i, rows_mode);
        int32x4_t a0 = vld1q_s32(bias), a1 = vld1q_s32(bias + 4), a2 = vld1q_s32(bias + 8), a3 = vld1q_s32(bias + 12);
        int t = 0;
        DW_UNROLL
        for (; t + 1 < taps; t += 2) {
            int8x16_t x0 = vld1q_s8(DW_TAP(src, i, t, k, taps, rows_mode));
            int8x16_t x1 = vld1q_s8(DW_TAP(src, i, t + 1, k, taps, rows_mode));
            int8x16_t w0 = vld1q_s8(w + 16 * t), w1 = vld1q_s8(w + 16 * (t + 1));
            int16x8_t lo = vmlal_s8(vmull_s8(vget_low_s8(x0), vget_low_s8(w0)), vget_low_s8(x1), vget_low_s8(w1));
            int16x8_t hi = vmlal_high_s8(vmull_high_s8(x0, w0), x1, w1);
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
            a2 = vaddw_s16(a2, vget_low_s16(hi));
            a3 = vaddw_high_s16(a3, hi);
        }
        if (t < taps) {
            int8x16_t x0 = vld1q_s8(DW_TAP(src, i, t, k, taps, rows_mode)), w0 = vld1q_s8(w + 16 * t);
            int16x8_t lo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
            int16x8_t hi = vmull_high_s8(x0, w0);
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
            a2 = vaddw_s16(a2, vget_low_s16(hi));
            a3 = vaddw_high_s16(a3, hi);
        }
        if (fast) {
            a0 = eagle_rq_scale4_fast_neon(a0, vld1q_s32(m), vld1q_s32(fs));
            a1 = eagle_rq_scale4_fast_neon(a1, vld1q_s32(m + 4), vld1q_s32(fs + 4));
            a2 = eagle_rq_scale4_fast_neon(a2, vld1q_s32(m + 8), vld1q_s32(fs + 8));
            a3 = eagle_rq_scale4_fast_neon(a3, vld1q_s32(m + 12), vld1q_s32(fs + 12));
        } else {
            a0 = eagle_rq_scale4_neon(a0, vld1q_s32(m), vld1q_s64(ns), vld1q_s64(ns + 2));
            a1 = eagle_rq_scale4_neon(a1, vld1q_s32(m + 4), vld1q_s64(ns + 4), vld1q_s64(ns + 6));
            a2 = eagle_rq_scale4_neon(a2, vld1q_s32(m + 8), vld1q_s64(ns + 8), vld1q_s64(ns + 10));
            a3 = eagle_rq_scale4_neon(a3, vld1q_s32(m + 12), vld1q_s64(ns + 12), vld1q_s64(ns + 14));
        }
        vst1q_s8(out + (size_t)i * out_stride, eagle_rq_pack16_neon(a0, a1, a2, a3, zp16, low8, high8));
    }
}

#define DW_TILE_IMPL tile_outputs_neon
#define DW_TILE_ATTR
#endif

#if defined(__x86_64__) || defined(__aarch64__)
// The kernels rows_simd chooses from: k3 and k5 with the taps unrolled, by table or by rows, fast
// or general requantization; any other size by table.
#define DW_TILE_VARIANT(name, taps_value, k_value, rows_value, fast_value)                                     \
    DW_TILE_ATTR static void name(const dw_header *h, const uint8_t *tile, dw_source src, int count,            \
                                  int8_t *out, size_t out_stride) {                                            \
        DW_TILE_IMPL(h, tile, src, count, out, out_stride, taps_value, k_value, rows_value, fast_value);        \
    }
DW_TILE_VARIANT(tile_k3_table_fast, 9, 3, 0, 1)
DW_TILE_VARIANT(tile_k3_rows_fast, 9, 3, 1, 1)
DW_TILE_VARIANT(tile_k5_table_fast, 25, 5, 0, 1)
DW_TILE_VARIANT(tile_k5_rows_fast, 25, 5, 1, 1)
DW_TILE_VARIANT(tile_k3_table, 9, 3, 0, 0)
DW_TILE_VARIANT(tile_k3_rows, 9, 3, 1, 0)
DW_TILE_VARIANT(tile_k5_table, 25, 5, 0, 0)
DW_TILE_VARIANT(tile_k5_rows, 25, 5, 1, 0)
DW_TILE_ATTR static void tile_any_table_fast(const dw_header *h, const uint8_t *tile, dw_source src, int count,
                                             int8_t *out, size_t out_stride) {
    DW_TILE_IMPL(h, tile, src, count, out, out_stride, h->taps, h->kernel, 0, 1);
}
DW_TILE_ATTR static void tile_any_table(const dw_header *h, const uint8_t *tile, dw_source src, int count, int8_t *out,
                                        size_t out_stride) {
    DW_TILE_IMPL(h, tile, src, count, out, out_stride, h->taps, h->kernel, 0, 0);
}
#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#if defined(__x86_64__) || defined(__aarch64__)
typedef void (*tile_function)(const dw_header *, const uint8_t *, dw_source, int, int8_t *, size_t);

// The kernels for windows read through a table (borders, other kernel sizes) and through row
// pointers (NULL when there is none for this kernel size), with the fast requantization or not.
static void choose_tile_functions(const dw_header *h, int fast, tile_function *table, tile_function *rows) {
    *table = fast ? tile_any_table_fast : tile_any_table;
    *rows = NULL;
    if (h->taps == 9) {
        *table = fast ? tile_k3_table_fast : tile_k3_table;
        *rows = fast ? tile_k3_rows_fast : tile_k3_rows;
    } else if (h->taps == 25) {
        *table = fast ? tile_k5_table_fast : tile_k5_table;
        *rows = fast ? tile_k5_rows_fast : tile_k5_rows;
    }
}

static void rows_simd(const dw_header *h, const uint8_t *base, const int8_t *input, dw_geometry g,
                      int8_t *output, int row_begin, int row_end) {
    const int c = h->channels, k = h->kernel, s = h->stride, taps = h->taps, full = c / TILE, rest = c % TILE;
    const uint8_t *tile_fast = base + h->tile_fast;
    tile_function table_fast, rows_fast, table_general, rows_general;
    choose_tile_functions(h, 1, &table_fast, &rows_fast);
    choose_tile_functions(h, 0, &table_general, &rows_general);
    // Outputs [inner_begin, inner_end) have every window column inside the input.
    int inner_begin = (g.left + s - 1) / s, inner_end = g.in_w - k + g.left >= 0 ? (g.in_w - k + g.left) / s + 1 : 0;
    if (inner_end > g.out_w) inner_end = g.out_w;
    if (!rows_fast || inner_end < inner_begin) inner_begin = inner_end = g.out_w;
    const int8_t **table = malloc(sizeof(*table) * (size_t)g.out_w * (size_t)taps);
    // A row of input zero points, for taps in the padding (rows above or below, single taps).
    const size_t pad_bytes = (size_t)g.in_w * (size_t)c + (size_t)h->tiles * TILE;
    int8_t *pad = malloc(pad_bytes);
    if (!table || !pad) abort();
    memset(pad, (int8_t)h->input_zero_point, pad_bytes);
    const uint8_t *stream = base + h->stream;
    const size_t row_bytes = (size_t)g.out_w * (size_t)c;
    const int8_t *rows[25];
    for (int oy = row_begin; oy < row_end; oy++) {
        if (rest) {
            build_row_table(h, input, g, pad, oy, 0, g.out_w, table);
        } else {
            build_row_table(h, input, g, pad, oy, 0, inner_begin, table);
            build_row_table(h, input, g, pad, oy, inner_end, g.out_w, table);
        }
        for (int ky = 0; ky < k && k <= 25; ky++) {
            const int iy = oy * s + ky - g.top;
            const int8_t *row = iy >= 0 && iy < g.in_h ? input + (size_t)iy * (size_t)g.in_w * (size_t)c : pad;
            rows[ky] = row + ((size_t)inner_begin * (size_t)s - (size_t)g.left) * (size_t)c;
        }
        int8_t *out_row = output + (size_t)oy * row_bytes;
        for (int j = 0; j < full; j++) {
            const uint8_t *tile = stream + (size_t)j * (size_t)h->tile_bytes;
            const tile_function run_table = tile_fast[j] ? table_fast : table_general;
            const tile_function run_rows = tile_fast[j] ? rows_fast : rows_general;
            const size_t offset = (size_t)j * TILE;
            dw_source by_table = {.table = table, .offset = offset};
            run_table(h, tile, by_table, inner_begin, out_row + offset, (size_t)c);
            if (inner_end > inner_begin) {
                dw_source by_rows = {.rows = rows, .offset = offset, .step = (size_t)s * (size_t)c, .channels = (size_t)c};
                run_rows(h, tile, by_rows, inner_end - inner_begin, out_row + (size_t)inner_begin * (size_t)c + offset, (size_t)c);
            }
            dw_source rest_table = {.table = table + (size_t)inner_end * (size_t)taps, .offset = offset};
            run_table(h, tile, rest_table, g.out_w - inner_end, out_row + (size_t)inner_end * (size_t)c + offset, (size_t)c);
        }
        if (rest) {
            // The last channels: copy each tap's `rest` codes into a 16-wide scratch so that no
            // load runs past the end of the input.
            int8_t scratch[25 * TILE], result[TILE];
            int8_t *big = taps > 25 ? malloc((size_t)taps * TILE) : NULL;
            int8_t *lanes = big ? big : scratch;
            const int8_t *local[25];
            const int8_t **ptrs = taps > 25 ? malloc(sizeof(*ptrs) * (size_t)taps) : local;
            if (!lanes || !ptrs) abort();
            for (int ox = 0; ox < g.out_w; ox++) {
                for (int t = 0; t < taps; t++) {
                    memset(lanes + t * TILE, 0, TILE);
                    memcpy(lanes + t * TILE, table[(size_t)ox * (size_t)taps + (size_t)t] + full * TILE, (size_t)rest);
                    ptrs[t] = lanes + t * TILE;
                }
                dw_source one = {.table = ptrs, .offset = 0};
                (tile_fast[full] ? table_fast : table_general)(h, stream + (size_t)full * (size_t)h->tile_bytes, one, 1, result, TILE);
                memcpy(out_row + (size_t)ox * (size_t)c + full * TILE, result, (size_t)rest);
            }
            if (big) free(big);
            if (ptrs != local) free(ptrs);
        }
    }
    free(table);
    free(pad);
}
#endif

void eagle_depthwise_run(const void *packed, const int8_t *input, int32_t height, int32_t width, int8_t *output,
                         int32_t row_begin, int32_t row_end) {
    const dw_header *h = packed;
    dw_geometry g = geometry(h, height, width);
    if (row_end > g.out_h) row_end = g.out_h;
    if (row_begin >= row_end || g.out_w == 0) return;
#if defined(__x86_64__) || defined(__aarch64__)
    if (eagle_simd_enabled()) {
        rows_simd(h, packed, input, g, output, row_begin, row_end);
        return;
    }
#endif
    rows_portable(h, packed, input, g, output, row_begin, row_end);
}
