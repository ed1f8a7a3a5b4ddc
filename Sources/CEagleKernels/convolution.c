// int8 dense k x k convolution, HWC, TensorFlow "same" padding: EfficientNet's stem (3x3,
// stride 2, 3 -> 32 channels); the twin of QuantizedConvolution.applyReference.
//
// Per output position the k x k x in_channels window is gathered once (taps in the padding take
// the input zero point, and the bias is folded with -zx * sum(w), so the padding adds nothing),
// then multiplied by every output channel's filter:
//   AVX2: the window as int16 pairs, each pair broadcast and _mm256_madd_epi16 with the two
//         matching weights of 8 output channels (int16 pairs), exact in int32;
//   NEON: the window as int8 quadruples, each broadcast and `sdot` with the four matching weights
//         of 4 output channels (AArch64 dot-product extension, which EAGLE_ISA_NEON_DOT reports).
#include "eagle_kernels.h"
#include "requantize.h"

#include <stdlib.h>
#include <string.h>

enum { GROUP = 16 };

typedef struct {
    int32_t in_channels, out_channels, kernel, stride, window; // window = in_channels * kernel^2
    int32_t input_zero_point, output_zero_point, low, high;
    int32_t fast;
    int32_t padded_out;   // out_channels rounded up to 16
    int32_t padded_window; // window rounded up to 4
    // Byte offsets from the start of the packed buffer.
    int64_t weights_ko, bias, multipliers, shifts;
    int64_t simd_weights, simd_bias, simd_multipliers, simd_shifts, simd_round, simd_fast_shift, simd_negative_shift;
} conv_header;

static size_t simd_weight_bytes(size_t padded_window, size_t padded_out) {
#if defined(__x86_64__)
    return (padded_window / 2) * padded_out * 2 * sizeof(int16_t); // [pair][channel][2] int16
#else
    return padded_window * padded_out;                               // [quad][channel][4] int8
#endif
}

size_t eagle_convolution_packed_size(int32_t in_channels, int32_t out_channels, int32_t kernel) {
    size_t window = (size_t)in_channels * (size_t)kernel * (size_t)kernel, o = (size_t)out_channels;
    size_t pw = (window + 3) & ~(size_t)3, po = (o + GROUP - 1) / GROUP * GROUP;
    return eagle_round64(sizeof(conv_header)) + eagle_round64(window * o) + 3 * eagle_round64(4 * o) +
           eagle_round64(simd_weight_bytes(pw, po)) + 5 * eagle_round64(4 * po) + eagle_round64(8 * po);
}

void eagle_convolution_pack(int32_t in_channels, int32_t out_channels, int32_t kernel, int32_t stride,
                            const int8_t *weights, const int32_t *bias, const int32_t *multipliers,
                            const int32_t *shifts, int32_t input_zero_point, int32_t output_zero_point,
                            int32_t clamp_low, int32_t clamp_high, void *packed) {
    uint8_t *base = packed;
    memset(base, 0, eagle_convolution_packed_size(in_channels, out_channels, kernel));
    conv_header *h = packed;
    const int ci = in_channels, co = out_channels, k = kernel, window = ci * k * k;
    *h = (conv_header){
        .in_channels = ci, .out_channels = co, .kernel = k, .stride = stride, .window = window,
        .input_zero_point = input_zero_point, .output_zero_point = output_zero_point,
        .low = clamp_low, .high = clamp_high, .fast = 1,
        .padded_out = (co + GROUP - 1) / GROUP * GROUP, .padded_window = (window + 3) & ~3,
    };
    const size_t po = (size_t)h->padded_out, pw = (size_t)h->padded_window;
    size_t at = eagle_round64(sizeof(conv_header));
    h->weights_ko = (int64_t)at; at += eagle_round64((size_t)window * (size_t)co);
    h->bias = (int64_t)at; at += eagle_round64(4 * (size_t)co);
    h->multipliers = (int64_t)at; at += eagle_round64(4 * (size_t)co);
    h->shifts = (int64_t)at; at += eagle_round64(4 * (size_t)co);
    h->simd_weights = (int64_t)at; at += eagle_round64(simd_weight_bytes(pw, po));
    h->simd_bias = (int64_t)at; at += eagle_round64(4 * po);
    h->simd_multipliers = (int64_t)at; at += eagle_round64(4 * po);
    h->simd_shifts = (int64_t)at; at += eagle_round64(4 * po);
    h->simd_round = (int64_t)at; at += eagle_round64(4 * po);
    h->simd_fast_shift = (int64_t)at; at += eagle_round64(4 * po);
    h->simd_negative_shift = (int64_t)at;

    // Window order: (ky, kx, input channel), as an HWC input lays it out. OIHW index of that
    // element for output o: ((o * ci + i) * k + ky) * k + kx.
    int8_t *wk = (int8_t *)(base + h->weights_ko);
#define W_AT(o, e) weights[(((size_t)(o) * (size_t)ci + (size_t)((e) % ci)) * (size_t)k + (size_t)((e) / ci / k)) * (size_t)k + (size_t)((e) / ci % k)]
    for (int o = 0; o < co; o++)
        for (int e = 0; e < window; e++) wk[(size_t)e * (size_t)co + (size_t)o] = W_AT(o, e);
    memcpy(base + h->bias, bias, 4 * (size_t)co);
    memcpy(base + h->multipliers, multipliers, 4 * (size_t)co);
    memcpy(base + h->shifts, shifts, 4 * (size_t)co);

    int32_t *sb = (int32_t *)(base + h->simd_bias), *sm = (int32_t *)(base + h->simd_multipliers);
    int32_t *ss = (int32_t *)(base + h->simd_shifts), *sr = (int32_t *)(base + h->simd_round);
    int32_t *sf = (int32_t *)(base + h->simd_fast_shift);
    int64_t *sn = (int64_t *)(base + h->simd_negative_shift);
    for (size_t o = 0; o < po; o++) {
        if (o < (size_t)co) {
            uint32_t sum = 0;
            for (int e = 0; e < window; e++) sum += (uint32_t)(int32_t)W_AT(o, e);
            sb[o] = (int32_t)((uint32_t)bias[o] - (uint32_t)input_zero_point * sum);
            sm[o] = multipliers[o];
            ss[o] = shifts[o];
            if (shifts[o] < EAGLE_RQ_FAST_MIN_SHIFT) h->fast = 0;
        } else {
            sb[o] = 0; sm[o] = 0; ss[o] = 62;
        }
        eagle_rq_fast_constants(ss[o], &sr[o], &sf[o]);
        sn[o] = -(int64_t)ss[o];
    }
#if defined(__x86_64__)
    int16_t *sw = (int16_t *)(base + h->simd_weights);
    for (size_t p = 0; p < pw / 2; p++)
        for (size_t o = 0; o < po; o++)
            for (size_t q = 0; q < 2; q++) {
                size_t e = 2 * p + q;
                sw[(p * po + o) * 2 + q] = (o < (size_t)co && e < (size_t)window) ? W_AT(o, e) : 0;
            }
#else
    int8_t *sw = (int8_t *)(base + h->simd_weights);
    for (size_t g = 0; g < pw / 4; g++)
        for (size_t o = 0; o < po; o++)
            for (size_t q = 0; q < 4; q++) {
                size_t e = 4 * g + q;
                sw[(g * po + o) * 4 + q] = (o < (size_t)co && e < (size_t)window) ? W_AT(o, e) : 0;
            }
#endif
#undef W_AT
}

typedef eagle_geometry conv_geometry;

// The window of output (oy, ox) in (ky, kx, channel) order, the input zero point for taps in the
// padding and 0 after the window up to the padded length.
static inline void gather_window(const conv_header *h, const int8_t *input, conv_geometry g, int oy, int ox, int8_t *col) {
    const int k = h->kernel, ci = h->in_channels, s = h->stride, run = k * ci;
    const int8_t zx = (int8_t)h->input_zero_point;
    int8_t *to = col;
    const int ix0 = ox * s - g.left;
    const int columns_inside = ix0 >= 0 && ix0 + k <= g.in_w;
    for (int ky = 0; ky < k; ky++, to += run) {
        const int iy = oy * s + ky - g.top;
        const int row_inside = iy >= 0 && iy < g.in_h;
        const int8_t *from = input + ((size_t)iy * (size_t)g.in_w + (size_t)ix0) * (size_t)ci;
        if (row_inside && columns_inside) {
            if (run == 9) memcpy(to, from, 9); // the stem: 3 taps x RGB, inlined
            else for (int e = 0; e < run; e++) to[e] = from[e];
            continue;
        }
        for (int kx = 0; kx < k; kx++) {
            const int ix = ix0 + kx;
            const int inside = row_inside && ix >= 0 && ix < g.in_w;
            for (int i = 0; i < ci; i++) to[kx * ci + i] = inside ? from[kx * ci + i] : zx;
        }
    }
    for (int e = h->window; e < h->padded_window; e++) col[e] = 0;
}

// The windows of every output in row `oy`, `padded_window` codes each.
static void gather_row(const conv_header *h, const int8_t *input, conv_geometry g, int oy, int8_t *cols) {
    for (int ox = 0; ox < g.out_w; ox++) gather_window(h, input, g, oy, ox, cols + (size_t)ox * (size_t)h->padded_window);
}

static void rows_portable(const conv_header *h, const uint8_t *base, const int8_t *input, conv_geometry g,
                          int8_t *output, int row_begin, int row_end) {
    const int co = h->out_channels, k = h->kernel, ci = h->in_channels, s = h->stride;
    const int32_t zx = h->input_zero_point;
    const int8_t *wk = (const int8_t *)(base + h->weights_ko);
    const int32_t *bias = (const int32_t *)(base + h->bias);
    const int32_t *mult = (const int32_t *)(base + h->multipliers);
    const int32_t *shift = (const int32_t *)(base + h->shifts);
    int32_t *acc = malloc(sizeof(int32_t) * (size_t)co);
    if (!acc) abort();
    for (int oy = row_begin; oy < row_end; oy++) {
        for (int ox = 0; ox < g.out_w; ox++) {
            memcpy(acc, bias, sizeof(int32_t) * (size_t)co);
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * s + ky - g.top;
                if (iy < 0 || iy >= g.in_h) continue;
                for (int kx = 0; kx < k; kx++) {
                    int ix = ox * s + kx - g.left;
                    if (ix < 0 || ix >= g.in_w) continue;
                    const int8_t *x = input + ((size_t)iy * (size_t)g.in_w + (size_t)ix) * (size_t)ci;
                    for (int i = 0; i < ci; i++) {
                        const int32_t v = (int32_t)x[i] - zx;
                        const int8_t *w = wk + ((size_t)(ky * k + kx) * (size_t)ci + (size_t)i) * (size_t)co;
                        for (int o = 0; o < co; o++) acc[o] += v * (int32_t)w[o];
                    }
                }
            }
            int8_t *y = output + ((size_t)oy * (size_t)g.out_w + (size_t)ox) * (size_t)co;
            for (int o = 0; o < co; o++)
                y[o] = (int8_t)eagle_rq_scalar(acc[o], mult[o], shift[o], h->output_zero_point, h->low, h->high);
        }
    }
    free(acc);
}

#if defined(__x86_64__)
// Requantizes 8 * n accumulators (channels c0...) and stores them at y (n even).
EAGLE_AVX2_INLINE void requantize_store_avx2(const conv_header *h, const uint8_t *base, __m256i *acc, int n, size_t c0,
                                             int8_t *y, const int fast) {
    const int32_t *sm = (const int32_t *)(base + h->simd_multipliers), *ss = (const int32_t *)(base + h->simd_shifts);
    const int32_t *sr = (const int32_t *)(base + h->simd_round), *sf = (const int32_t *)(base + h->simd_fast_shift);
    const __m256i zp16 = _mm256_set1_epi16((int16_t)h->output_zero_point);
    const __m128i low8 = _mm_set1_epi8((int8_t)h->low), high8 = _mm_set1_epi8((int8_t)h->high);
    const __m256i low64 = _mm256_set1_epi64x(h->low - h->output_zero_point);
    const __m256i high64 = _mm256_set1_epi64x(h->high - h->output_zero_point);
    for (int i = 0; i < n; i++) {
        const size_t c = c0 + 8 * (size_t)i;
        const __m256i m = _mm256_loadu_si256((const __m256i *)(sm + c));
        acc[i] = fast ? eagle_rq_scale8_fast_avx2(acc[i], m, _mm256_loadu_si256((const __m256i *)(sr + c)),
                                                  _mm256_loadu_si256((const __m256i *)(sf + c)))
                      : eagle_rq_scale8_avx2(acc[i], m, _mm256_loadu_si256((const __m256i *)(ss + c)), low64, high64);
    }
    for (int i = 0; i < n; i += 2)
        _mm_storeu_si128((__m128i *)(y + 8 * i), eagle_rq_pack16_natural_avx2(acc[i], acc[i + 1], zp16, low8, high8));
}

// Channels [c0, c0 + 8n) of `count` (1 or 2) neighbouring outputs whose windows (int16) start at
// cols and cols + padded_window; results at y and y + y_stride.
EAGLE_AVX2_INLINE void channels_avx2(const conv_header *h, const uint8_t *base, const int16_t *cols, int count,
                                     size_t c0, int8_t *y, size_t y_stride, const int n, const int fast) {
    const size_t po = (size_t)h->padded_out, pairs = (size_t)h->padded_window / 2;
    const __m256i *w = (const __m256i *)(base + h->simd_weights) + c0 / 8; // [pair][po / 8]
    const int32_t *sb = (const int32_t *)(base + h->simd_bias) + c0;
    const int16_t *second = cols + (count > 1 ? (size_t)h->padded_window : 0);
    __m256i a[4], b[4];
    for (int i = 0; i < n; i++) a[i] = b[i] = _mm256_loadu_si256((const __m256i *)(sb + 8 * i));
    for (size_t p = 0; p < pairs; p++, w += po / 8) {
        int32_t u, v;
        memcpy(&u, cols + 2 * p, 4);
        memcpy(&v, second + 2 * p, 4);
        const __m256i x0 = _mm256_set1_epi32(u), x1 = _mm256_set1_epi32(v);
        for (int i = 0; i < n; i++) {
            const __m256i wi = _mm256_loadu_si256(w + i);
            a[i] = _mm256_add_epi32(a[i], _mm256_madd_epi16(x0, wi));
            b[i] = _mm256_add_epi32(b[i], _mm256_madd_epi16(x1, wi));
        }
    }
    requantize_store_avx2(h, base, a, n, c0, y, fast);
    if (count > 1) requantize_store_avx2(h, base, b, n, c0, y + y_stride, fast);
}

// The windows as int16 pairs; 32 channels (4 vectors) at a time, then 16.
typedef int16_t conv_column;
#define CONV_ATTR EAGLE_AVX2
#define CONV_CHANNELS channels_avx2
#define CONV_WIDE 4
#define CONV_NARROW 2
#elif defined(__aarch64__)
#define EAGLE_DOT __attribute__((target("dotprod")))
#define EAGLE_DOT_INLINE static inline __attribute__((always_inline, target("dotprod")))

EAGLE_DOT_INLINE void requantize_store_neon(const conv_header *h, const uint8_t *base, int32x4_t *acc, int n, size_t c0,
                                            int8_t *y, const int fast) {
    const int32_t *sm = (const int32_t *)(base + h->simd_multipliers), *sf = (const int32_t *)(base + h->simd_fast_shift);
    const int64_t *sn = (const int64_t *)(base + h->simd_negative_shift);
    const int16x8_t zp16 = vdupq_n_s16((int16_t)h->output_zero_point);
    const int8x16_t low8 = vdupq_n_s8((int8_t)h->low), high8 = vdupq_n_s8((int8_t)h->high);
    for (int i = 0; i < n; i++) {
        const size_t c = c0 + 4 * (size_t)i;
        acc[i] = fast ? eagle_rq_scale4_fast_neon(acc[i], vld1q_s32(sm + c), vld1q_s32(sf + c))
                      : eagle_rq_scale4_neon(acc[i], vld1q_s32(sm + c), vld1q_s64(sn + c), vld1q_s64(sn + c + 2));
    }
    for (int i = 0; i < n; i += 4)
        vst1q_s8(y + 4 * i, eagle_rq_pack16_neon(acc[i], acc[i + 1], acc[i + 2], acc[i + 3], zp16, low8, high8));
}

// Channels [c0, c0 + 4n) of `count` (1 or 2) neighbouring outputs whose windows (int8) start at
// cols and cols + padded_window; results at y and y + y_stride.
EAGLE_DOT_INLINE void channels_neon(const conv_header *h, const uint8_t *base, const int8_t *cols, int count,
                                    size_t c0, int8_t *y, size_t y_stride, const int n, const int fast) {
    const size_t po = (size_t)h->padded_out, quads = (size_t)h->padded_window / 4;
    const int8_t *w = (const int8_t *)(base + h->simd_weights) + c0 * 4; // [quad][po][4]
    const int32_t *sb = (const int32_t *)(base + h->simd_bias) + c0;
    const int8_t *second = cols + (count > 1 ? (size_t)h->padded_window : 0);
    int32x4_t a[8], b[8];
    for (int i = 0; i < n; i++) a[i] = b[i] = vld1q_s32(sb + 4 * i);
    for (size_t q = 0; q < quads; q++, w += po * 4) {
        int32_t u, v;
        memcpy(&u, cols + 4 * q, 4);
        memcpy(&v, second + 4 * q, 4);
        const int8x16_t x0 = vreinterpretq_s8_s32(vdupq_n_s32(u)), x1 = vreinterpretq_s8_s32(vdupq_n_s32(v));
        for (int i = 0; i < n; i++) {
            const int8x16_t wi = vld1q_s8(w + 16 * i);
            a[i] = vdotq_s32(a[i], wi, x0);
            b[i] = vdotq_s32(b[i], wi, x1);
        }
    }
    requantize_store_neon(h, base, a, n, c0, y, fast);
    if (count > 1) requantize_store_neon(h, base, b, n, c0, y + y_stride, fast);
}

// The windows as int8 quadruples; 32 channels (8 vectors) at a time, then 16.
typedef int8_t conv_column;
#define CONV_ATTR EAGLE_DOT
#define CONV_CHANNELS channels_neon
#define CONV_WIDE 8
#define CONV_NARROW 4
#endif

#if defined(__x86_64__) || defined(__aarch64__)
// One output row from its gathered windows, two positions per pass.
#define CONV_ROW_VARIANT(name, fast_value)                                                                        \
    CONV_ATTR static void name(const conv_header *h, const uint8_t *base, const conv_column *cols, int out_w,      \
                               int8_t *y, int8_t *scratch) {                                                     \
        const size_t po = (size_t)h->padded_out, co = (size_t)h->out_channels, pw = (size_t)h->padded_window;    \
        for (int ox = 0; ox < out_w; ox += 2) {                                                                  \
            const int count = out_w - ox >= 2 ? 2 : 1;                                                           \
            /* Straight into the output when every channel is real, else through scratch. */                   \
            int8_t *target = co == po ? y + (size_t)ox * co : scratch;                                           \
            const size_t stride = co == po ? co : po;                                                            \
            const conv_column *c = cols + (size_t)ox * pw;                                                       \
            size_t c0 = 0;                                                                                       \
            for (; c0 + 32 <= po; c0 += 32) CONV_CHANNELS(h, base, c, count, c0, target + c0, stride, CONV_WIDE, fast_value); \
            if (c0 < po) CONV_CHANNELS(h, base, c, count, c0, target + c0, stride, CONV_NARROW, fast_value);     \
            if (target == scratch)                                                                               \
                for (int j = 0; j < count; j++) memcpy(y + (size_t)(ox + j) * co, scratch + (size_t)j * po, co); \
        }                                                                                                        \
    }
CONV_ROW_VARIANT(row_fast, 1)
CONV_ROW_VARIANT(row_general, 0)

#if defined(__x86_64__)
// The windows of row `oy` of a convolution of 3 x 3 taps over 3 channels (the stem), gathered as
// int16 for the madd tiles: an interior window is three runs of 9 codes, each one 8-byte load
// widened and one code; the windows at the borders go through gather_window (`window`, int8).
EAGLE_AVX2 static void gather_stem_row_avx2(const conv_header *h, const int8_t *input, conv_geometry g, int oy,
                                            int16_t *cols, int8_t *window) {
    const int s = h->stride, pw = h->padded_window;
    const int8_t *rows[3];
    int rows_inside = 1;
    for (int ky = 0; ky < 3; ky++) {
        const int iy = oy * s + ky - g.top;
        rows_inside = rows_inside && iy >= 0 && iy < g.in_h;
        rows[ky] = rows_inside ? input + (size_t)iy * (size_t)g.in_w * 3 : NULL;
    }
    for (int ox = 0; ox < g.out_w; ox++) {
        int16_t *col = cols + (size_t)ox * (size_t)pw;
        const int ix0 = ox * s - g.left;
        if (rows_inside && ix0 >= 0 && ix0 + 3 <= g.in_w) {
            for (int ky = 0; ky < 3; ky++) {
                const int8_t *from = rows[ky] + (size_t)ix0 * 3;
                _mm_storeu_si128((__m128i *)(col + 9 * ky), _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)from)));
                col[9 * ky + 8] = from[8];
            }
            for (int e = 27; e < pw; e++) col[e] = 0;
        } else {
            gather_window(h, input, g, oy, ox, window);
            for (int e = 0; e < pw; e++) col[e] = window[e];
        }
    }
}
#endif

static void rows_simd(const conv_header *h, const uint8_t *base, const int8_t *input, conv_geometry g,
                      int8_t *output, int row_begin, int row_end) {
    const size_t n = (size_t)g.out_w * (size_t)h->padded_window;
    int8_t *cols8 = malloc(n);
    conv_column *cols = sizeof(conv_column) == 1 ? (conv_column *)cols8 : malloc(sizeof(conv_column) * n);
    int8_t *scratch = malloc(2 * (size_t)h->padded_out);
    if (!cols8 || !cols || !scratch) abort();
    for (int oy = row_begin; oy < row_end; oy++) {
#if defined(__x86_64__)
        if (h->kernel == 3 && h->in_channels == 3) {
            gather_stem_row_avx2(h, input, g, oy, cols, cols8);
        } else
#endif
        {
            gather_row(h, input, g, oy, cols8);
            if ((void *)cols != (void *)cols8)
                for (size_t e = 0; e < n; e++) cols[e] = cols8[e];
        }
        int8_t *y = output + (size_t)oy * (size_t)g.out_w * (size_t)h->out_channels;
        if (h->fast) row_fast(h, base, cols, g.out_w, y, scratch);
        else row_general(h, base, cols, g.out_w, y, scratch);
    }
    if ((void *)cols != (void *)cols8) free(cols);
    free(cols8);
    free(scratch);
}
#endif

void eagle_convolution_run(const void *packed, const int8_t *input, int32_t height, int32_t width, int8_t *output,
                           int32_t row_begin, int32_t row_end) {
    const conv_header *h = packed;
    const conv_geometry g = eagle_same_geometry(height, width, h->kernel, h->stride);
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
