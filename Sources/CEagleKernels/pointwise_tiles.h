// Private to CEagleKernels: the int8 matrix-product tiles shared by the 1x1 convolution
// (pointwise.c) and the nearest-neighbour search (nearest_avx2.c, nearest_neon.c). A tile is rows x channels int32 dot
// products of int8 rows (positions or queries) with int8 packed columns (weights or bank rows),
// accumulated with wrap-around (exact for every sum that fits in int32).
//
// x86-64 AVX2: rows widened to int16, columns packed as int16 pairs [k/2][channels][2];
//   _mm256_madd_epi16 (vpmaddwd) multiplies a broadcast pair of one row with 8 channel pairs and
//   adds adjacent products into int32 exactly (|x * w| <= 128 * 127, two fit easily).
// AArch64 NEON dot product: rows padded with zeros to a multiple of 16 codes, columns packed as
//   [k/4][8 channels][4]; vdotq_laneq_s32 (sdot) adds 4-code dot products into int32 lanes.
#ifndef EAGLE_POINTWISE_TILES_H
#define EAGLE_POINTWISE_TILES_H

#include <stdint.h>
#include <string.h>

#define EAGLE_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EAGLE_MAX(a, b) ((a) > (b) ? (a) : (b))

static inline int eagle_round_up(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

// MARK: x86-64 AVX2

#if defined(__x86_64__)
#include <immintrin.h>

#define EAGLE_HAVE_AVX2_PATH 1
#define X86_MR 6
#define X86_FN __attribute__((target("avx2,fma")))
#define X86_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

/// Packed int16 columns: `n` (a multiple of 8) columns of `k` codes in tiles of 16 (the last one of 8
/// when n % 16 == 8), each [kp/2][width][2] with kp = k rounded up to even, zeros beyond k and
/// beyond the real columns (`real` of them, rows of `stride` codes).
static inline void x86_pack_columns(const int8_t *w, int stride, int real, int k, int n, int16_t *out) {
    int kp = eagle_round_up(k, 2);
    for (int c0 = 0; c0 < n; c0 += 16) {
        int width = EAGLE_MIN(16, n - c0);
        for (int p = 0; p < kp / 2; p++) {
            for (int j = 0; j < width; j++) {
                int c = c0 + j;
                for (int h = 0; h < 2; h++) {
                    int i = 2 * p + h;
                    *out++ = (c < real && i < k) ? (int16_t)w[(size_t)c * (size_t)stride + (size_t)i] : 0;
                }
            }
        }
    }
}

/// `X86_MR` rows of `kp` int16 from `rows` rows of `k` int8 codes `stride` apart (zeros beyond).
X86_INLINE void x86_widen_rows(const int8_t *x, size_t stride, int rows, int k, int kp, int16_t *out) {
    for (int r = 0; r < X86_MR; r++) {
        int16_t *o = out + (size_t)r * (size_t)kp;
        if (r >= rows) { memset(o, 0, (size_t)kp * 2); continue; }
        const int8_t *s = x + (size_t)r * stride;
        int i = 0;
        for (; i + 16 <= k; i += 16)
            _mm256_storeu_si256((__m256i *)(o + i), _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(s + i))));
        for (; i < k; i++) o[i] = s[i];
        for (; i < kp; i++) o[i] = 0;
    }
}

X86_INLINE __m256i x86_pair(const int16_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

/// Accumulators of a 6-row tile: v[r][0] columns 0-7, v[r][1] columns 8-15.
typedef struct { __m256i v[X86_MR][2]; } x86_acc;

#define X86_MADD_ROW(R) \
    a = x86_pair(r##R + i); \
    c##R##0 = _mm256_add_epi32(c##R##0, _mm256_madd_epi16(a, w0)); \
    c##R##1 = _mm256_add_epi32(c##R##1, _mm256_madd_epi16(a, w1));

/// 6 rows x 16 columns: init + sum over kp of rows[r][i] * columns[c][i] (always inlined, so the
/// caller's epilogue takes the accumulators from registers).
X86_INLINE x86_acc x86_dot_6x16(const int16_t *rows, int kp, const int16_t *w, __m256i b0, __m256i b1) {
    __m256i c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1;
    __m256i c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
    const int16_t *r0 = rows, *r1 = r0 + kp, *r2 = r1 + kp, *r3 = r2 + kp, *r4 = r3 + kp, *r5 = r4 + kp;
    for (int i = 0; i < kp; i += 2) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w), w1 = _mm256_loadu_si256((const __m256i *)(w + 16));
        w += 32;
        __m256i a;
        X86_MADD_ROW(0) X86_MADD_ROW(1) X86_MADD_ROW(2) X86_MADD_ROW(3) X86_MADD_ROW(4) X86_MADD_ROW(5)
    }
    x86_acc acc = {{{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}}};
    return acc;
}

/// 6 rows x 8 columns (the last tile when the column count is 8 more than a multiple of 16);
/// v[r][1] is zero.
X86_INLINE x86_acc x86_dot_6x8(const int16_t *rows, int kp, const int16_t *w, __m256i b0) {
    __m256i c0 = b0, c1 = b0, c2 = b0, c3 = b0, c4 = b0, c5 = b0;
    const int16_t *r0 = rows, *r1 = r0 + kp, *r2 = r1 + kp, *r3 = r2 + kp, *r4 = r3 + kp, *r5 = r4 + kp;
    for (int i = 0; i < kp; i += 2) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        w += 16;
        c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(x86_pair(r0 + i), w0));
        c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(x86_pair(r1 + i), w0));
        c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(x86_pair(r2 + i), w0));
        c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(x86_pair(r3 + i), w0));
        c4 = _mm256_add_epi32(c4, _mm256_madd_epi16(x86_pair(r4 + i), w0));
        c5 = _mm256_add_epi32(c5, _mm256_madd_epi16(x86_pair(r5 + i), w0));
    }
    __m256i z = _mm256_setzero_si256();
    x86_acc acc = {{{c0, z}, {c1, z}, {c2, z}, {c3, z}, {c4, z}, {c5, z}}};
    return acc;
}
#endif

// MARK: AArch64 NEON dot product

#if defined(__aarch64__)
#include <arm_neon.h>

#define EAGLE_HAVE_NEON_PATH 1
#define NEON_MR 8
#define NEON_FN __attribute__((target("dotprod")))
#define NEON_INLINE static inline __attribute__((always_inline, target("dotprod")))

/// Packed int8 columns: `n` (a multiple of 8) columns of `k` codes in tiles of 8, each
/// [kp/4][8][4] with kp = k rounded up to 4, zeros beyond k and beyond the `real` columns.
static inline size_t neon_packed_columns_size(int k, int n) { return (size_t)eagle_round_up(k, 4) * (size_t)n; }

static inline void neon_pack_columns(const int8_t *w, int stride, int real, int k, int n, int8_t *out) {
    int kp = eagle_round_up(k, 4);
    for (int c0 = 0; c0 < n; c0 += 8)
        for (int g = 0; g < kp / 4; g++)
            for (int j = 0; j < 8; j++)
                for (int h = 0; h < 4; h++) {
                    int c = c0 + j, i = 4 * g + h;
                    *out++ = (c < real && i < k) ? w[(size_t)c * (size_t)stride + (size_t)i] : 0;
                }
}

/// `NEON_MR` rows of `kp16` (k rounded up to 16) codes, zeros beyond.
static inline void neon_copy_rows(const int8_t *x, size_t stride, int rows, int k, int kp16, int8_t *out) {
    for (int r = 0; r < NEON_MR; r++) {
        int8_t *o = out + (size_t)r * (size_t)kp16;
        if (r < rows) {
            memcpy(o, x + (size_t)r * stride, (size_t)k);
            memset(o + k, 0, (size_t)(kp16 - k));
        } else {
            memset(o, 0, (size_t)kp16);
        }
    }
}

#define NEON_DOT_ROW(lane, r) \
    c##r##0 = vdotq_laneq_s32(c##r##0, w0, a##r, lane); \
    c##r##1 = vdotq_laneq_s32(c##r##1, w1, a##r, lane);
#define NEON_DOT_ALL(lane) \
    do { \
        int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16); \
        w += 32; \
        NEON_DOT_ROW(lane, 0) NEON_DOT_ROW(lane, 1) NEON_DOT_ROW(lane, 2) NEON_DOT_ROW(lane, 3) \
        NEON_DOT_ROW(lane, 4) NEON_DOT_ROW(lane, 5) NEON_DOT_ROW(lane, 6) NEON_DOT_ROW(lane, 7) \
    } while (0)

/// 8 rows x 8 columns: out[r][c] = init[c] + sum over k of rows[r][i] * columns[c][i], for rows of
/// `kp16` codes and `groups` = ceil(k / 4) groups of 4 packed codes per column.
NEON_FN static void neon_tile_8x8(const int8_t *rows, int kp16, int groups, const int8_t *w, const int32_t *init, int32_t out[NEON_MR][8]) {
    int32x4_t b0 = vld1q_s32(init), b1 = vld1q_s32(init + 4);
    int32x4_t c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
    int32x4_t c40 = b0, c41 = b1, c50 = b0, c51 = b1, c60 = b0, c61 = b1, c70 = b0, c71 = b1;
    for (int g = 0; g < groups; g += 4) {
        const int8_t *x = rows + 4 * g;
        int8x16_t a0 = vld1q_s8(x), a1 = vld1q_s8(x + kp16), a2 = vld1q_s8(x + 2 * kp16), a3 = vld1q_s8(x + 3 * kp16);
        int8x16_t a4 = vld1q_s8(x + 4 * kp16), a5 = vld1q_s8(x + 5 * kp16), a6 = vld1q_s8(x + 6 * kp16), a7 = vld1q_s8(x + 7 * kp16);
        int left = groups - g;
        NEON_DOT_ALL(0);
        if (left > 1) NEON_DOT_ALL(1);
        if (left > 2) NEON_DOT_ALL(2);
        if (left > 3) NEON_DOT_ALL(3);
    }
    vst1q_s32(out[0], c00); vst1q_s32(out[0] + 4, c01);
    vst1q_s32(out[1], c10); vst1q_s32(out[1] + 4, c11);
    vst1q_s32(out[2], c20); vst1q_s32(out[2] + 4, c21);
    vst1q_s32(out[3], c30); vst1q_s32(out[3] + 4, c31);
    vst1q_s32(out[4], c40); vst1q_s32(out[4] + 4, c41);
    vst1q_s32(out[5], c50); vst1q_s32(out[5] + 4, c51);
    vst1q_s32(out[6], c60); vst1q_s32(out[6] + 4, c61);
    vst1q_s32(out[7], c70); vst1q_s32(out[7] + 4, c71);
}
#endif

#endif
