// The int8 1x1 convolution (QuantizedPointwiseConvolution in Swift): a matrix product of
// positions x in-channels activations with out-channels x in-channels weights, the folded bias
// added first, then per-channel fixed-point requantization and the clamp:
//
//     acc = folded_bias[o] + sum_i x[p][i] * w[o][i]                    (int32, wrapping)
//     y   = clamp(zp + ((int64(acc) * M[o] + 2^(s[o]-1)) >> s[o]), lo, hi)
//
// Three paths with one packed form each (a header says which): portable C, x86-64 AVX2 and
// AArch64 NEON dot product; see pointwise_tiles.h for the tiles.
//
// Exact requantization in AVX2, which has no 64-bit arithmetic shift: with |acc| <= 2^31 and
// 0 <= M < 2^31, P = acc * M lies in (-2^62, 2^62), so u = (P + 2^62 + 2^(s-1)) is in [0, 2^64)
// and its logical shift u >> s equals floor((P + 2^(s-1)) / 2^s) + 2^(62-s) exactly. The low 32
// bits give the result once the constant is subtracted, provided that result fits in int32:
// the accumulator is first clamped, per channel, to [acc_low, acc_high], the accumulators beyond
// which every output is saturated anyway (found by bisection at pack time, the map being
// monotonic), which bounds |result| by 2^30 + 256. The NEON path uses vrshlq_s64 (rounding
// shift: the same round half up, computed without overflow) and saturating narrowing.
#include "eagle_kernels.h"
#include "pointwise_tiles.h"
#include "requantize.h"

#include <stdlib.h>

enum { PW_MAGIC = 0x31777045 };

typedef struct {
    int32_t magic, isa, k, n;     // n: real out-channels
    int32_t np;                   // n rounded up to the kernel's column multiple
    int32_t zero_point, low, high;
    int64_t params_offset, weights_offset;
    int32_t all_shifts_fast;      // x86: every shift >= EAGLE_RQ_FAST_MIN_SHIFT, the fast form applies
    int32_t unused;
} pw_header;

// x86: per group of 8 channels, vectors in lane order (64-bit ones for even and odd channels).
// General requantization: acc bounds, round = 2^62 + 2^(s-1), logical shifts by s, add.
// Fast form of requantize.h (every shift >= 33): fast_round = 2^(s-33), fast_shift = s - 32.
typedef struct {
    int32_t acc_low[8], acc_high[8], multiplier[8], add[8];
    int64_t round_even[4], round_odd[4], shift_even[4], shift_odd[4];
    int32_t fast_round[8], fast_shift[8];
} pw_x86_group;

static int64_t pw_scaled(int64_t acc, int32_t multiplier, int32_t shift) {
    return (acc * (int64_t)multiplier + ((int64_t)1 << (shift - 1))) >> shift;
}

/// The output code of `acc` in one channel: the definition, in plain C.
static inline int8_t pw_code(int32_t acc, int32_t multiplier, int32_t shift, int32_t zp, int32_t low, int32_t high) {
    int64_t y = (int64_t)zp + pw_scaled(acc, multiplier, shift);
    return (int8_t)(y < low ? low : (y > high ? high : y));
}

/// Smallest accumulator whose output is `high` (INT32_MAX if none), largest whose output is `low`
/// (INT32_MIN if none): clamping to them changes no output.
static void pw_accumulator_bounds(int32_t m, int32_t s, int32_t zp, int32_t low, int32_t high, int32_t *acc_low, int32_t *acc_high) {
    int64_t a = INT32_MIN, b = INT32_MAX;
    if (zp + pw_scaled(b, m, s) < high) {
        *acc_high = INT32_MAX;
    } else {   // zp + t(b) >= high: bisect for the first such accumulator in [a, b]
        int64_t lo = a, hi = b;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (zp + pw_scaled(mid, m, s) >= high) hi = mid; else lo = mid + 1;
        }
        *acc_high = (int32_t)lo;
    }
    if (zp + pw_scaled(a, m, s) > low) {
        *acc_low = INT32_MIN;
    } else {   // zp + t(a) <= low: bisect for the last such accumulator
        int64_t lo = a, hi = b;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo + 1) / 2;
            if (zp + pw_scaled(mid, m, s) <= low) lo = mid; else hi = mid - 1;
        }
        *acc_low = (int32_t)lo;
    }
}

static int pw_column_multiple(eagle_isa isa) { return isa == EAGLE_ISA_PORTABLE ? 1 : 8; }

static size_t pw_params_size(eagle_isa isa, int np) {
    switch (isa) {
    case EAGLE_ISA_AVX2: return (size_t)np * 4 + (size_t)(np / 8) * sizeof(pw_x86_group);
    case EAGLE_ISA_NEON_DOT: return (size_t)np * (4 + 4 + 8 + 4);
    default: return (size_t)np * (4 + 4 + 4);
    }
}

static size_t pw_weights_size(eagle_isa isa, int k, int np) {
    switch (isa) {
    case EAGLE_ISA_AVX2: return (size_t)eagle_round_up(k, 2) * (size_t)np * 2;
    case EAGLE_ISA_NEON_DOT: return (size_t)eagle_round_up(k, 4) * (size_t)np;
    default: return (size_t)k * (size_t)np;
    }
}

size_t eagle_pointwise_packed_size(eagle_isa isa, int in_channels, int out_channels) {
    int np = eagle_round_up(out_channels, pw_column_multiple(isa));
    return 64 + (size_t)eagle_round_up((int)pw_params_size(isa, np), 64) + pw_weights_size(isa, in_channels, np);
}

void eagle_pointwise_pack(eagle_isa isa, int k, int n, const int8_t *weights, const int32_t *folded_bias,
                          const int32_t *multipliers, const int32_t *shifts, int32_t zp, int32_t low, int32_t high,
                          void *packed) {
    int np = eagle_round_up(n, pw_column_multiple(isa));
    pw_header h = {PW_MAGIC, (int32_t)isa, k, n, np, zp, low, high, 64, 0, 1, 0};
    for (int o = 0; o < n; o++) if (shifts[o] < EAGLE_RQ_FAST_MIN_SHIFT) h.all_shifts_fast = 0;
    h.weights_offset = 64 + eagle_round_up((int)pw_params_size(isa, np), 64);
    char *base = (char *)packed;
    memset(base, 0, (size_t)h.weights_offset);
    memcpy(base, &h, sizeof h);
    char *params = base + h.params_offset, *w = base + h.weights_offset;
    // Padding channels: bias 0, multiplier 0 (output zp, clamped; never stored).
    int32_t *bias = (int32_t *)(void *)params;
    for (int o = 0; o < n; o++) bias[o] = folded_bias[o];
    switch (isa) {
    case EAGLE_ISA_AVX2: {
        pw_x86_group *groups = (pw_x86_group *)(void *)(params + (size_t)np * 4);
        for (int o = 0; o < np; o++) {
            pw_x86_group *g = &groups[o / 8];
            int j = o % 8;
            int32_t m = o < n ? multipliers[o] : 0, s = o < n ? shifts[o] : 32;
            pw_accumulator_bounds(m, s, zp, low, high, &g->acc_low[j], &g->acc_high[j]);
            g->multiplier[j] = m;
            // zp - low32(2^(62-s)), wrapping
            g->add[j] = (int32_t)((uint32_t)zp - (uint32_t)((uint64_t)1 << (62 - s)));
            eagle_rq_fast_constants(s, &g->fast_round[j], &g->fast_shift[j]);
            int64_t round = ((int64_t)1 << (s - 1)) + ((int64_t)1 << 62);
            if (j % 2 == 0) { g->round_even[j / 2] = round; g->shift_even[j / 2] = s; }
            else { g->round_odd[j / 2] = round; g->shift_odd[j / 2] = s; }
        }
#ifdef EAGLE_HAVE_AVX2_PATH
        x86_pack_columns(weights, k, n, k, np, (int16_t *)(void *)w);
#endif
        break;
    }
    case EAGLE_ISA_NEON_DOT: {
        int32_t *m = bias + np;
        int64_t *negative_shift = (int64_t *)(void *)(m + np);
        int32_t *fast_shift = (int32_t *)(void *)(negative_shift + np);
        for (int o = 0; o < np; o++) {
            int32_t s = o < n ? shifts[o] : 32, unused;
            m[o] = o < n ? multipliers[o] : 0;
            negative_shift[o] = -(int64_t)s;
            eagle_rq_fast_constants(s, &unused, &fast_shift[o]);
        }
#ifdef EAGLE_HAVE_NEON_PATH
        neon_pack_columns(weights, k, n, k, np, (int8_t *)w);
#endif
        break;
    }
    default: {
        int32_t *m = bias + np, *s = m + np;
        for (int o = 0; o < n; o++) { m[o] = multipliers[o]; s[o] = shifts[o]; }
        memcpy(w, weights, (size_t)k * (size_t)n);
        break;
    }
    }
}

// MARK: running

typedef struct {
    pw_header h;
    const char *base;
    const int8_t *input;
    int8_t *output;
    int positions;
    int tile_rows;       // rows per tile of the ISA's kernel
    int tiles_per_task;
} pw_job;

static void pw_portable(const pw_job *job, int p0, int p1) {
    const pw_header *h = &job->h;
    const int32_t *bias = (const int32_t *)(const void *)(job->base + h->params_offset);
    const int32_t *m = bias + h->np, *s = m + h->np;
    const int8_t *w = (const int8_t *)(job->base + h->weights_offset);
    int k = h->k, n = h->n;
    for (int p = p0; p < p1; p++) {
        const int8_t *x = job->input + (size_t)p * (size_t)k;
        int8_t *y = job->output + (size_t)p * (size_t)n;
        for (int o = 0; o < n; o++) {
            const int8_t *wo = w + (size_t)o * (size_t)k;
            uint32_t acc = (uint32_t)bias[o];
            for (int i = 0; i < k; i++) acc += (uint32_t)((int32_t)x[i] * (int32_t)wo[i]);
            y[o] = pw_code((int32_t)acc, m[o], s[o], h->zero_point, h->low, h->high);
        }
    }
}

#ifdef EAGLE_HAVE_AVX2_PATH
/// 8 accumulators of channels c..c+7 to output codes in int32 lanes, any shift (see the top).
X86_INLINE __m256i x86_requantize(__m256i acc, const pw_x86_group *g, __m256i low, __m256i high) {
    acc = _mm256_max_epi32(_mm256_min_epi32(acc, _mm256_loadu_si256((const __m256i *)g->acc_high)),
                           _mm256_loadu_si256((const __m256i *)g->acc_low));
    __m256i m = _mm256_loadu_si256((const __m256i *)g->multiplier);
    __m256i even = _mm256_mul_epi32(acc, m);
    __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(m, 32));
    even = _mm256_srlv_epi64(_mm256_add_epi64(even, _mm256_loadu_si256((const __m256i *)g->round_even)),
                             _mm256_loadu_si256((const __m256i *)g->shift_even));
    odd = _mm256_srlv_epi64(_mm256_add_epi64(odd, _mm256_loadu_si256((const __m256i *)g->round_odd)),
                            _mm256_loadu_si256((const __m256i *)g->shift_odd));
    __m256i y = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    y = _mm256_add_epi32(y, _mm256_loadu_si256((const __m256i *)g->add));
    return _mm256_min_epi32(_mm256_max_epi32(y, low), high);
}

/// 16 int32 codes already within int8 (channels 0-7 in a, 8-15 in b) to 16 bytes in order.
X86_INLINE __m128i x86_narrow16(__m256i a, __m256i b) {
    __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    return _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
}

/// Stores the first `count` (1...16) of 16 codes.
X86_INLINE void x86_store(int8_t *y, __m128i codes, int count) {
    if (count >= 16) { _mm_storeu_si128((__m128i *)y, codes); return; }
    if (count == 8) { _mm_storel_epi64((__m128i *)y, codes); return; }
    int8_t tmp[16];
    _mm_storeu_si128((__m128i *)tmp, codes);
    memcpy(y, tmp, (size_t)count);
}

/// Two rows' 16 scaled values each (a0: row a's channels 0-7, a1: 8-15; b likewise) to their 32
/// codes, row a in the low half: + zero point (saturating 16-bit), clamped in int8, as
/// eagle_rq_pack16_natural_avx2 does for one row. The packs interleave 4-code groups across the
/// 128-bit lanes (a 0-3, a 8-11, b 0-3, b 8-11 | a 4-7, a 12-15, b 4-7, b 12-15); one vpermd
/// restores the order.
X86_INLINE __m256i x86_rq_pack32(__m256i a0, __m256i a1, __m256i b0, __m256i b1, __m256i zero_point16, __m256i low, __m256i high) {
    __m256i a = _mm256_adds_epi16(_mm256_packs_epi32(a0, a1), zero_point16);
    __m256i b = _mm256_adds_epi16(_mm256_packs_epi32(b0, b1), zero_point16);
    __m256i codes = _mm256_min_epi8(_mm256_max_epi8(_mm256_packs_epi16(a, b), low), high);
    return _mm256_permutevar8x32_epi32(codes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

X86_INLINE void pw_avx2_rows(const pw_job *job, int p0, int p1, const int fast) {
    const pw_header *h = &job->h;
    const int32_t *bias = (const int32_t *)(const void *)(job->base + h->params_offset);
    const pw_x86_group *groups = (const pw_x86_group *)(const void *)(bias + h->np);
    const int16_t *w = (const int16_t *)(const void *)(job->base + h->weights_offset);
    int k = h->k, n = h->n, np = h->np, kp = eagle_round_up(k, 2);
    int16_t stack_rows[X86_MR * 1024];
    int16_t *rows = kp <= 1024 ? stack_rows : malloc(sizeof(int16_t) * X86_MR * (size_t)kp);
    __m256i low = _mm256_set1_epi32(h->low), high = _mm256_set1_epi32(h->high), zero = _mm256_setzero_si256();
    __m256i zp16 = _mm256_set1_epi16((int16_t)h->zero_point);
    __m128i low8 = _mm_set1_epi8((int8_t)h->low), high8 = _mm_set1_epi8((int8_t)h->high);
    __m256i low32 = _mm256_set1_epi8((int8_t)h->low), high32 = _mm256_set1_epi8((int8_t)h->high);
    for (int p = p0; p < p1; p += X86_MR) {
        int count = EAGLE_MIN(X86_MR, p1 - p);
        x86_widen_rows(job->input + (size_t)p * (size_t)k, (size_t)k, count, k, kp, rows);
        for (int c0 = 0; c0 < np; c0 += 16) {
            int wide = np - c0 >= 16;
            const int16_t *tile = w + (size_t)c0 * (size_t)kp;
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(bias + c0));
            x86_acc acc = wide ? x86_dot_6x16(rows, kp, tile, b0, _mm256_loadu_si256((const __m256i *)(bias + c0 + 8)))
                               : x86_dot_6x8(rows, kp, tile, b0);
            const pw_x86_group *g = &groups[c0 / 8], *g1 = wide ? g + 1 : g;
            int stored = EAGLE_MIN(n - c0, wide ? 16 : 8);
            int8_t *y = job->output + (size_t)p * (size_t)n + c0;
            if (fast) {
                // The fast form of requantize.h, then + zero point and clamp in the narrowing.
                __m256i m0 = _mm256_loadu_si256((const __m256i *)g->multiplier), m1 = _mm256_loadu_si256((const __m256i *)g1->multiplier);
                __m256i r0 = _mm256_loadu_si256((const __m256i *)g->fast_round), r1 = _mm256_loadu_si256((const __m256i *)g1->fast_round);
                __m256i s0 = _mm256_loadu_si256((const __m256i *)g->fast_shift), s1 = _mm256_loadu_si256((const __m256i *)g1->fast_shift);
                if (count == X86_MR && stored == 16) {
                    // A whole tile: two rows per narrowing (clang still keeps the accumulators on the
                    // stack for this loop, as for the one below).
                    for (int r = 0; r < X86_MR; r += 2) {
                        __m256i codes = x86_rq_pack32(eagle_rq_scale8_fast_avx2(acc.v[r][0], m0, r0, s0),
                                                      eagle_rq_scale8_fast_avx2(acc.v[r][1], m1, r1, s1),
                                                      eagle_rq_scale8_fast_avx2(acc.v[r + 1][0], m0, r0, s0),
                                                      eagle_rq_scale8_fast_avx2(acc.v[r + 1][1], m1, r1, s1), zp16, low32, high32);
                        _mm_storeu_si128((__m128i *)(y + (size_t)r * (size_t)n), _mm256_castsi256_si128(codes));
                        _mm_storeu_si128((__m128i *)(y + (size_t)(r + 1) * (size_t)n), _mm256_extracti128_si256(codes, 1));
                    }
                    continue;
                }
                for (int r = 0; r < count; r++) {
                    __m256i q0 = eagle_rq_scale8_fast_avx2(acc.v[r][0], m0, r0, s0);
                    __m256i q1 = wide ? eagle_rq_scale8_fast_avx2(acc.v[r][1], m1, r1, s1) : zero;
                    x86_store(y + (size_t)r * (size_t)n, eagle_rq_pack16_natural_avx2(q0, q1, zp16, low8, high8), stored);
                }
            } else {
                for (int r = 0; r < count; r++) {
                    __m256i v0 = x86_requantize(acc.v[r][0], g, low, high);
                    __m256i v1 = wide ? x86_requantize(acc.v[r][1], g + 1, low, high) : zero;
                    x86_store(y + (size_t)r * (size_t)n, x86_narrow16(v0, v1), stored);
                }
            }
        }
    }
    if (rows != stack_rows) free(rows);
}

X86_FN static void pw_avx2(const pw_job *job, int p0, int p1) {
    if (job->h.all_shifts_fast) pw_avx2_rows(job, p0, p1, 1);
    else pw_avx2_rows(job, p0, p1, 0);
}
#endif

#ifdef EAGLE_HAVE_NEON_PATH
/// 4 accumulators of channels c..c+3 to output codes.
NEON_INLINE int32x4_t neon_requantize(int32x4_t acc, const int32_t *m, const int64_t *negative_shift,
                                      int32x4_t zp, int32x4_t low, int32x4_t high) {
    int32x4_t mv = vld1q_s32(m);
    int64x2_t a = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(mv)), vld1q_s64(negative_shift));
    int64x2_t b = vrshlq_s64(vmull_high_s32(acc, mv), vld1q_s64(negative_shift + 2));
    int32x4_t y = vqaddq_s32(vcombine_s32(vqmovn_s64(a), vqmovn_s64(b)), zp);
    return vminq_s32(vmaxq_s32(y, low), high);
}

NEON_FN static void pw_neon(const pw_job *job, int p0, int p1) {
    const pw_header *h = &job->h;
    const int32_t *bias = (const int32_t *)(const void *)(job->base + h->params_offset);
    const int32_t *m = bias + h->np;
    const int64_t *negative_shift = (const int64_t *)(const void *)(m + h->np);
    const int32_t *fast_shift = (const int32_t *)(const void *)(negative_shift + h->np);
    int16x8_t zp16 = vdupq_n_s16((int16_t)h->zero_point);
    int8x16_t low8 = vdupq_n_s8((int8_t)h->low), high8 = vdupq_n_s8((int8_t)h->high);
    const int8_t *w = (const int8_t *)(job->base + h->weights_offset);
    int k = h->k, n = h->n, np = h->np, kp16 = eagle_round_up(k, 16), groups = (k + 3) / 4;
    size_t tile_stride = (size_t)groups * 32;   // bytes of one packed 8-column tile
    int8_t stack_rows[NEON_MR * 2048];
    int8_t *rows = kp16 <= 2048 ? stack_rows : malloc((size_t)NEON_MR * (size_t)kp16);
    int32x4_t zp = vdupq_n_s32(h->zero_point), low = vdupq_n_s32(h->low), high = vdupq_n_s32(h->high);
    int32_t acc[NEON_MR][8];
    for (int p = p0; p < p1; p += NEON_MR) {
        int count = EAGLE_MIN(NEON_MR, p1 - p);
        neon_copy_rows(job->input + (size_t)p * (size_t)k, (size_t)k, count, k, kp16, rows);
        for (int c0 = 0; c0 < np; c0 += 8) {
            neon_tile_8x8(rows, kp16, groups, w + (size_t)(c0 / 8) * tile_stride, bias + c0, acc);
            if (h->all_shifts_fast) {
                // The fast form of requantize.h, then + zero point and clamp in the narrowing.
                int32x4_t m0 = vld1q_s32(m + c0), m1 = vld1q_s32(m + c0 + 4);
                int32x4_t s0 = vld1q_s32(fast_shift + c0), s1 = vld1q_s32(fast_shift + c0 + 4);
                for (int r = 0; r < count; r += 2) {
                    int32x4_t q0 = eagle_rq_scale4_fast_neon(vld1q_s32(acc[r]), m0, s0);
                    int32x4_t q1 = eagle_rq_scale4_fast_neon(vld1q_s32(acc[r] + 4), m1, s1);
                    int32x4_t q2 = eagle_rq_scale4_fast_neon(vld1q_s32(acc[r + 1]), m0, s0);
                    int32x4_t q3 = eagle_rq_scale4_fast_neon(vld1q_s32(acc[r + 1] + 4), m1, s1);
                    int8x16_t codes = eagle_rq_pack16_neon(q0, q1, q2, q3, zp16, low8, high8);
                    int8_t *y = job->output + (size_t)(p + r) * (size_t)n + c0;
                    if (c0 + 8 <= n) {
                        vst1_s8(y, vget_low_s8(codes));
                        if (r + 1 < count) vst1_s8(y + n, vget_high_s8(codes));
                        continue;
                    }
                    int8_t tmp[16];
                    vst1q_s8(tmp, codes);
                    memcpy(y, tmp, (size_t)(n - c0));
                    if (r + 1 < count) memcpy(y + n, tmp + 8, (size_t)(n - c0));
                }
                continue;
            }
            for (int r = 0; r < count; r++) {
                int32x4_t y0 = neon_requantize(vld1q_s32(acc[r]), m + c0, negative_shift + c0, zp, low, high);
                int32x4_t y1 = neon_requantize(vld1q_s32(acc[r] + 4), m + c0 + 4, negative_shift + c0 + 4, zp, low, high);
                int8x8_t codes = vqmovn_s16(vcombine_s16(vqmovn_s32(y0), vqmovn_s32(y1)));
                int8_t *y = job->output + (size_t)(p + r) * (size_t)n + c0;
                if (c0 + 8 <= n) { vst1_s8(y, codes); continue; }
                int8_t tmp[8];
                vst1_s8(tmp, codes);
                memcpy(y, tmp, (size_t)(n - c0));
            }
        }
    }
    if (rows != stack_rows) free(rows);
}
#endif

static void pw_task(void *context, int index) {
    const pw_job *job = context;
    int rows_per_task = job->tiles_per_task * job->tile_rows;
    int p0 = index * rows_per_task, p1 = EAGLE_MIN(job->positions, p0 + rows_per_task);
    if (p0 >= p1) return;
    switch ((eagle_isa)job->h.isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: pw_avx2(job, p0, p1); break;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: pw_neon(job, p0, p1); break;
#endif
    default: pw_portable(job, p0, p1); break;
    }
}

void eagle_pointwise_run(const void *packed, const int8_t *input, int8_t *output, int positions, int threads) {
    pw_job job;
    memcpy(&job.h, packed, sizeof job.h);
    if (job.h.magic != PW_MAGIC || positions <= 0) return;
    job.base = packed;
    job.input = input;
    job.output = output;
    job.positions = positions;
    switch ((eagle_isa)job.h.isa) {
    case EAGLE_ISA_AVX2: job.tile_rows = 6; break;
    case EAGLE_ISA_NEON_DOT: job.tile_rows = 8; break;
    default: job.tile_rows = 1; break;
    }
    int tiles = (positions + job.tile_rows - 1) / job.tile_rows;
    // Eight tasks per thread: a thread that loses its core for a while does not hold up the rest
    // for long (with four, the caller's wait for the last task was still visible in perf).
    int tasks = threads <= 1 ? 1 : EAGLE_MIN(tiles, threads * 8);
    // Too little work to share: about 20k multiply-adds per task at least.
    long long macs = (long long)positions * job.h.k * job.h.n;
    if (macs < 20000LL * tasks) tasks = (int)EAGLE_MAX(1, EAGLE_MIN(tasks, macs / 20000));
    job.tiles_per_task = (tiles + tasks - 1) / tasks;
    tasks = (tiles + job.tiles_per_task - 1) / job.tiles_per_task;
    eagle_parallel_run(threads, tasks, pw_task, &job);
}
