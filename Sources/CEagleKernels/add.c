// int8 residual add; the twin of QuantizedAdd.code / applyReference:
//
//     y = clamp(zo + (((a - za) * ma + (b - zb) * mb + 2^(n-1)) >> n), -128, 127)     (Int64)
//
// SIMD form, exact when 0 <= ma, mb < 2^31 - 2^16 and 17 <= n <= 46 (every add QuantizedAdd
// makes from ordinary scales: the larger multiplier is in [2^29, 2^30]): split each multiplier as
// m = mh * 2^16 + ml with ml = the low 16 bits read as signed (|ml| <= 2^15, |mh| < 2^15). With
// da = a - za, db = b - zb (|d| <= 255):
//     S = da*ma + db*mb = 2^16 * H + L,  H = da*mh + db*bh,  L = da*ml + db*bl   (|H|, |L| < 2^25)
//     (S + 2^(n-1)) >> n = (H + (L >> 16) + 2^(n-17)) >> (n - 16)
// by floor(floor(x) / m) = floor(x / m) (2^(n-1) is a multiple of 2^16), all in int32. H and L
// are two _mm256_madd_epi16 of (da, db) pairs, or vmull_n_s16 + vmlal_n_s16 on NEON, where
// vsraq_n_s32 and vrshlq_s32 do the rest; saturating narrows then clamp to -128...127.
#include "eagle_kernels.h"
#include "requantize.h"

static int8_t code(int8_t a, int8_t b, int32_t za, int32_t zb, int32_t zo, int64_t ma, int64_t mb, int64_t n) {
    int64_t sum = ((int64_t)a - za) * ma + ((int64_t)b - zb) * mb;
    int64_t v = zo + ((sum + ((int64_t)1 << (n - 1))) >> n);
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

#if defined(__x86_64__)
EAGLE_AVX2 static size_t add_avx2(const int8_t *a, const int8_t *b, int8_t *y, size_t count, int32_t za, int32_t zb,
                                  int32_t zo, int32_t ma, int32_t mb, int32_t n) {
    const int16_t al = (int16_t)(ma & 0xFFFF), bl = (int16_t)(mb & 0xFFFF);
    const int16_t ah = (int16_t)((ma - al) >> 16), bh = (int16_t)((mb - bl) >> 16);
    const __m256i high = _mm256_set1_epi32((int32_t)(((uint32_t)(uint16_t)bh << 16) | (uint16_t)ah));
    const __m256i low = _mm256_set1_epi32((int32_t)(((uint32_t)(uint16_t)bl << 16) | (uint16_t)al));
    const __m256i vza = _mm256_set1_epi16((int16_t)za), vzb = _mm256_set1_epi16((int16_t)zb);
    const __m256i round = _mm256_set1_epi32((int32_t)1 << (n - 17));
    const __m128i count_shift = _mm_cvtsi32_si128(n - 16);
    const __m256i zo16 = _mm256_set1_epi16((int16_t)zo);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256i da = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + i))), vza);
        __m256i db = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + i))), vzb);
        __m256i p0 = _mm256_unpacklo_epi16(da, db), p1 = _mm256_unpackhi_epi16(da, db);
        __m256i r0 = _mm256_add_epi32(_mm256_madd_epi16(p0, high), _mm256_srai_epi32(_mm256_madd_epi16(p0, low), 16));
        __m256i r1 = _mm256_add_epi32(_mm256_madd_epi16(p1, high), _mm256_srai_epi32(_mm256_madd_epi16(p1, low), 16));
        r0 = _mm256_sra_epi32(_mm256_add_epi32(r0, round), count_shift);
        r1 = _mm256_sra_epi32(_mm256_add_epi32(r1, round), count_shift);
        __m256i v = _mm256_adds_epi16(_mm256_packs_epi32(r0, r1), zo16);
        _mm_storeu_si128((__m128i *)(y + i), _mm_packs_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
    }
    return i;
}
#elif defined(__aarch64__)
static size_t add_neon(const int8_t *a, const int8_t *b, int8_t *y, size_t count, int32_t za, int32_t zb,
                       int32_t zo, int32_t ma, int32_t mb, int32_t n) {
    const int16_t al = (int16_t)(ma & 0xFFFF), bl = (int16_t)(mb & 0xFFFF);
    const int16_t ah = (int16_t)((ma - al) >> 16), bh = (int16_t)((mb - bl) >> 16);
    const int8x8_t vza = vdup_n_s8((int8_t)za), vzb = vdup_n_s8((int8_t)zb);
    const int32x4_t shift = vdupq_n_s32(-(n - 16));
    const int16x8_t zo16 = vdupq_n_s16((int16_t)zo);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        int8x16_t va = vld1q_s8(a + i), vb = vld1q_s8(b + i);
        int16x8_t da[2] = {vsubl_s8(vget_low_s8(va), vza), vsubl_s8(vget_high_s8(va), vza)};
        int16x8_t db[2] = {vsubl_s8(vget_low_s8(vb), vzb), vsubl_s8(vget_high_s8(vb), vzb)};
        int16x8_t half[2];
        for (int j = 0; j < 2; j++) {
            int32x4_t h0 = vmlal_n_s16(vmull_n_s16(vget_low_s16(da[j]), ah), vget_low_s16(db[j]), bh);
            int32x4_t l0 = vmlal_n_s16(vmull_n_s16(vget_low_s16(da[j]), al), vget_low_s16(db[j]), bl);
            int32x4_t h1 = vmlal_high_n_s16(vmull_high_n_s16(da[j], ah), db[j], bh);
            int32x4_t l1 = vmlal_high_n_s16(vmull_high_n_s16(da[j], al), db[j], bl);
            int32x4_t r0 = vrshlq_s32(vsraq_n_s32(h0, l0, 16), shift);
            int32x4_t r1 = vrshlq_s32(vsraq_n_s32(h1, l1, 16), shift);
            half[j] = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(r0), r1), zo16);
        }
        vst1q_s8(y + i, vqmovn_high_s16(vqmovn_s16(half[0]), half[1]));
    }
    return i;
}
#endif

void eagle_add(const int8_t *a, const int8_t *b, int8_t *output, size_t count, int32_t a_zero_point,
               int32_t b_zero_point, int32_t output_zero_point, int64_t a_multiplier, int64_t b_multiplier,
               int64_t shift) {
    size_t i = 0;
#if defined(__x86_64__) || defined(__aarch64__)
    const int64_t limit = ((int64_t)1 << 31) - ((int64_t)1 << 16);
    if (eagle_simd_enabled() && a_multiplier >= 0 && a_multiplier < limit && b_multiplier >= 0 &&
        b_multiplier < limit && shift >= 17 && shift <= 46) {
#if defined(__x86_64__)
        i = add_avx2(a, b, output, count, a_zero_point, b_zero_point, output_zero_point, (int32_t)a_multiplier,
                     (int32_t)b_multiplier, (int32_t)shift);
#else
        i = add_neon(a, b, output, count, a_zero_point, b_zero_point, output_zero_point, (int32_t)a_multiplier,
                     (int32_t)b_multiplier, (int32_t)shift);
#endif
    }
#endif
    for (; i < count; i++)
        output[i] = code(a[i], b[i], a_zero_point, b_zero_point, output_zero_point, a_multiplier, b_multiplier, shift);
}
