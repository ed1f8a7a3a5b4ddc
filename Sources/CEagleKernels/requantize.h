// Exact vectorised requantization, and the few layout helpers the int8 kernels share (private to
// CEagleKernels).
//
// The definition (FixedPointMultiplier / Requantization in Sources/Kernels/Int8), for an int32
// accumulator `acc`, a multiplier M in [0, 2^31) and a shift s in 1...62:
//
//     y = clamp(zp + ((Int64(acc) * M + 2^(s-1)) >> s), lo, hi)     (arithmetic shift)
//
// i.e. round(acc * M / 2^s), ties toward +infinity. Every helper here computes exactly that, for
// every acc, M and s in range. There are two forms per instruction set:
//
// * the general form works in 64 bits (AVX2: _mm256_mul_epi32 on even and odd lanes, an
//   emulated 64-bit arithmetic shift, a 64-bit clamp; NEON: vmull_s32 + vrshlq_s64 + saturating
//   narrow);
// * the fast form needs only the high half of the product, and holds when s is large, which is
//   every realistic layer (s >= 33 means a real multiplier below 1/4):
//     floor((P + 2^(s-1)) / 2^s) = floor((floor(P / 2^32) + 2^(s-33)) / 2^(s-32))    (s >= 33)
//   by floor(floor(x) / m) = floor(x / m) for integer m > 0, because 2^(s-1) is a multiple of
//   2^32. AVX2 takes the high halves of _mm256_mul_epi32 and shifts with _mm256_srav_epi32.
//   NEON's vqdmulhq_s32 gives floor(2P / 2^32) = floor(P / 2^31) (it saturates only for
//   INT32_MIN * INT32_MIN, and M >= 0), and vrshlq_s32 by -(s-31) adds 2^(s-32) and shifts
//   without intermediate overflow, so the same identity gives the fast form for s >= 32.
//   |floor(P / 2^32)| <= 2^30 and 2^(s-33) <= 2^29: no int32 overflow.
//
// The last step narrows 32-bit values to codes with saturating packs, adds the zero point with a
// saturating 16-bit add and clamps in int8. Saturation is monotone and the identity on the int8
// range, so sat8(sat16(sat16(q) + zp)) clamped to [lo, hi] equals clamp(q + zp, lo, hi) for
// every int32 q (if q + zp leaves the int16 range, both sides are lo or hi).
//
// Right shifts of negative signed integers are arithmetic in GCC and Clang, which this relies on.
#ifndef EAGLE_REQUANTIZE_H
#define EAGLE_REQUANTIZE_H

#include <stddef.h>
#include <stdint.h>
#include "eagle_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#define EAGLE_INLINE static inline __attribute__((always_inline))

/// `n` rounded up to a multiple of 64 (sections of a packed layer start on cache lines).
static inline size_t eagle_round64(size_t n) { return (n + 63) & ~(size_t)63; }

/// TensorFlow "same" padding in both directions (SamePadding): output size, padding before.
typedef struct {
    int in_h, in_w, out_h, out_w, top, left;
} eagle_geometry;

static inline int eagle_same_before(int size, int kernel, int stride, int *out) {
    int o = (size + stride - 1) / stride;
    int total = (o - 1) * stride + kernel - size;
    if (total < 0) total = 0;
    *out = o;
    return total / 2;
}

static inline eagle_geometry eagle_same_geometry(int height, int width, int kernel, int stride) {
    eagle_geometry g = {.in_h = height, .in_w = width};
    g.top = eagle_same_before(height, kernel, stride, &g.out_h);
    g.left = eagle_same_before(width, kernel, stride, &g.out_w);
    return g;
}

/// The definition, one value at a time.
EAGLE_INLINE int32_t eagle_rq_scalar(int32_t acc, int32_t multiplier, int32_t shift, int32_t zero_point,
                                     int32_t low, int32_t high) {
    int64_t v = ((int64_t)acc * multiplier + ((int64_t)1 << (shift - 1))) >> shift;
    v += zero_point;
    return (int32_t)(v < low ? low : v > high ? high : v);
}

/// The smallest shift of the fast forms (AVX2 and NEON) on this architecture.
#if defined(__aarch64__)
#define EAGLE_RQ_FAST_MIN_SHIFT 32
#else
#define EAGLE_RQ_FAST_MIN_SHIFT 33
#endif

/// Per-channel constants of the fast form, derived from the shift once at packing:
/// AVX2: `round` = 2^(s-33) and `shift` = s - 32; NEON: `shift` = -(s - 31), `round` unused.
EAGLE_INLINE void eagle_rq_fast_constants(int32_t s, int32_t *round, int32_t *shift) {
#if defined(__aarch64__)
    *round = 0;
    *shift = -(s - 31);
#else
    *round = s >= 33 ? (int32_t)1 << (s - 33) : 0;
    *shift = s - 32;
#endif
}

/// Whether the SIMD kernels run: the CPU has them (x86-64: AVX2; AArch64: NEON, always) and the
/// kernels are not forced to the portable path (eagle_kernels_force_isa).
int eagle_simd_enabled(void);

#if defined(__x86_64__)
#define EAGLE_AVX2 __attribute__((target("avx2")))
#define EAGLE_AVX2_INLINE static inline __attribute__((always_inline, target("avx2")))

/// 64-bit arithmetic right shift by per-lane counts (AVX2 has only the logical one):
/// for v < 0, ~v >= 0 and ~(~v >>> n) = floor(v / 2^n).
EAGLE_AVX2_INLINE __m256i eagle_srav_epi64_avx2(__m256i v, __m256i count) {
    __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
    return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, sign), count), sign);
}

/// min(max(v, low), high) on signed 64-bit lanes.
EAGLE_AVX2_INLINE __m256i eagle_clamp_epi64_avx2(__m256i v, __m256i low, __m256i high) {
    v = _mm256_blendv_epi8(v, low, _mm256_cmpgt_epi64(low, v));
    return _mm256_blendv_epi8(v, high, _mm256_cmpgt_epi64(v, high));
}

/// General form, 8 lanes: round(acc * m / 2^s) clamped to [low, high] (64-bit lanes holding
/// bounds within +-2^31, e.g. lo - zp and hi - zp), returned as int32.
EAGLE_AVX2_INLINE __m256i eagle_rq_scale8_avx2(__m256i acc, __m256i m, __m256i s, __m256i low, __m256i high) {
    const __m256i one = _mm256_set1_epi64x(1);
    __m256i se = _mm256_and_si256(s, _mm256_set1_epi64x(0xFFFFFFFF));
    __m256i so = _mm256_srli_epi64(s, 32);
    __m256i pe = _mm256_mul_epi32(acc, m);
    __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(m, 32));
    pe = _mm256_add_epi64(pe, _mm256_sllv_epi64(one, _mm256_sub_epi64(se, one)));
    po = _mm256_add_epi64(po, _mm256_sllv_epi64(one, _mm256_sub_epi64(so, one)));
    pe = eagle_clamp_epi64_avx2(eagle_srav_epi64_avx2(pe, se), low, high);
    po = eagle_clamp_epi64_avx2(eagle_srav_epi64_avx2(po, so), low, high);
    return _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
}

/// Fast form, 8 lanes (every s >= 33): `round` = 2^(s-33), `shift` = s - 32 per lane.
/// The odd lanes reach vpmuldq by a shuffle, not a 64-bit shift: after a shift of the (hoisted)
/// multiplier, clang proved its lanes non-negative 64-bit values and emitted a full 64 x 64-bit
/// multiply emulation (three vpmuludq) in the 1x1 convolution's epilogue.
EAGLE_AVX2_INLINE __m256i eagle_rq_scale8_fast_avx2(__m256i acc, __m256i m, __m256i round, __m256i shift) {
    __m256i pe = _mm256_mul_epi32(acc, m);
    __m256i po = _mm256_mul_epi32(_mm256_shuffle_epi32(acc, 0xF5), _mm256_shuffle_epi32(m, 0xF5));
    __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
    return _mm256_srav_epi32(_mm256_add_epi32(high, round), shift);
}

/// 16 scaled values to 16 codes: + zero point (16-bit lanes), clamp to [low, high] (int8 lanes).
/// `a` holds values 0-3 and 8-11, `b` 4-7 and 12-15: the order _mm256_unpacklo/hi_epi16 +
/// _mm256_madd_epi16 produce, which _mm256_packs_epi32 turns back into 0...15.
EAGLE_AVX2_INLINE __m128i eagle_rq_pack16_avx2(__m256i a, __m256i b, __m256i zero_point16, __m128i low, __m128i high) {
    __m256i v = _mm256_adds_epi16(_mm256_packs_epi32(a, b), zero_point16);
    __m128i r = _mm_packs_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_min_epi8(_mm_max_epi8(r, low), high);
}

/// As eagle_rq_pack16_avx2 for `a` = values 0-7 and `b` = 8-15 (natural order).
EAGLE_AVX2_INLINE __m128i eagle_rq_pack16_natural_avx2(__m256i a, __m256i b, __m256i zero_point16, __m128i low, __m128i high) {
    __m256i v = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    v = _mm256_adds_epi16(v, zero_point16);
    __m128i r = _mm_packs_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_min_epi8(_mm_max_epi8(r, low), high);
}
#endif

#if defined(__aarch64__)
/// General form, 4 lanes: round(acc * m / 2^s) saturated to int32; `negative_shift` holds -s in
/// two 64-bit vectors (lanes 0-1, 2-3).
EAGLE_INLINE int32x4_t eagle_rq_scale4_neon(int32x4_t acc, int32x4_t m, int64x2_t negative_shift_low,
                                            int64x2_t negative_shift_high) {
    int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(m)), negative_shift_low);
    int64x2_t hi = vrshlq_s64(vmull_high_s32(acc, m), negative_shift_high);
    return vqmovn_high_s64(vqmovn_s64(lo), hi);
}

/// Fast form, 4 lanes (every s >= 32): `shift` = -(s - 31) per lane.
EAGLE_INLINE int32x4_t eagle_rq_scale4_fast_neon(int32x4_t acc, int32x4_t m, int32x4_t shift) {
    return vrshlq_s32(vqdmulhq_s32(acc, m), shift);
}

/// 16 scaled values (natural order, 4 x 4) to 16 codes: + zero point, clamp to [low, high].
EAGLE_INLINE int8x16_t eagle_rq_pack16_neon(int32x4_t q0, int32x4_t q1, int32x4_t q2, int32x4_t q3,
                                            int16x8_t zero_point16, int8x16_t low, int8x16_t high) {
    int16x8_t a = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(q0), q1), zero_point16);
    int16x8_t b = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(q2), q3), zero_point16);
    int8x16_t r = vqmovn_high_s16(vqmovn_s16(a), b);
    return vminq_s8(vmaxq_s8(r, low), high);
}
#endif

#endif
