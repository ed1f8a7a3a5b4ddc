// The int8 network's input and output conversions: image bytes to the stem's codes (a byte xor
// compilers vectorise), and HWC codes to the CHW floats the patch-feature code reads (8 x 8
// transposes in AVX2 / NEON; per value one int -> float conversion and one multiply, the same
// single rounding as QuantizationParameters.dequantize).
#include "eagle_kernels.h"
#include "requantize.h"

void eagle_image_input(const uint8_t *bytes, int8_t *codes, size_t count) {
    // byte - 128 in two's complement is the byte with its top bit flipped.
    for (size_t i = 0; i < count; i++) codes[i] = (int8_t)(bytes[i] ^ 0x80);
}

static void dequantize_block_scalar(const int8_t *input, size_t positions, size_t channels, size_t p0, size_t p1,
                                    size_t c0, size_t c1, float scale, int32_t zero_point, float *output) {
    for (size_t c = c0; c < c1; c++) {
        float *out = output + c * positions;
        for (size_t p = p0; p < p1; p++) out[p] = scale * (float)((int32_t)input[p * channels + c] - zero_point);
    }
}

#if defined(__x86_64__)
// 8 positions x 8 channels: codes to floats per position (rows), an 8 x 8 transpose, rows per
// channel stored. The same two exact steps as the scalar form: int -> float, one multiply.
EAGLE_AVX2 static void dequantize_avx2(const int8_t *input, size_t positions, size_t channels, float scale,
                                       int32_t zero_point, float *output) {
    const size_t pe = positions & ~(size_t)7, ce = channels & ~(size_t)7;
    const __m256i zp = _mm256_set1_epi32(zero_point);
    const __m256 sc = _mm256_set1_ps(scale);
    for (size_t c = 0; c < ce; c += 8) {
        for (size_t p = 0; p < pe; p += 8) {
            __m256 r[8], t[8];
            for (int i = 0; i < 8; i++) {
                __m128i q = _mm_loadl_epi64((const __m128i *)(input + (p + (size_t)i) * channels + c));
                r[i] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_cvtepi8_epi32(q), zp)), sc);
            }
            for (int i = 0; i < 8; i += 2) {
                t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
                t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
            }
            for (int i = 0; i < 8; i += 4) {
                r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
                r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
                r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
                r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
            }
            // r[0..3]: channels 0,1,2,3 (positions 0-3 | 4-7 of block rows 0-3); r[4..7] likewise for rows 4-7.
            for (int i = 0; i < 4; i++) {
                _mm256_storeu_ps(output + (c + (size_t)i) * positions + p, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
                _mm256_storeu_ps(output + (c + 4 + (size_t)i) * positions + p, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
            }
        }
        dequantize_block_scalar(input, positions, channels, pe, positions, c, c + 8, scale, zero_point, output);
    }
    dequantize_block_scalar(input, positions, channels, 0, positions, ce, channels, scale, zero_point, output);
}
#elif defined(__aarch64__)
// 8 positions x 8 channels: an 8 x 8 byte transpose (vtrn at 8, 16 and 32 bits), then per
// channel widen, subtract the zero point, convert and multiply (exact as the scalar form).
static void dequantize_neon(const int8_t *input, size_t positions, size_t channels, float scale, int32_t zero_point,
                            float *output) {
    const size_t pe = positions & ~(size_t)7, ce = channels & ~(size_t)7;
    const int32x4_t zp = vdupq_n_s32(zero_point);
    for (size_t c = 0; c < ce; c += 8) {
        for (size_t p = 0; p < pe; p += 8) {
            int8x8_t r[8];
            for (int i = 0; i < 8; i++) r[i] = vld1_s8(input + (p + (size_t)i) * channels + c);
            int8x8x2_t b0 = vtrn_s8(r[0], r[1]), b1 = vtrn_s8(r[2], r[3]), b2 = vtrn_s8(r[4], r[5]), b3 = vtrn_s8(r[6], r[7]);
            int16x4x2_t h0 = vtrn_s16(vreinterpret_s16_s8(b0.val[0]), vreinterpret_s16_s8(b1.val[0]));
            int16x4x2_t h1 = vtrn_s16(vreinterpret_s16_s8(b0.val[1]), vreinterpret_s16_s8(b1.val[1]));
            int16x4x2_t h2 = vtrn_s16(vreinterpret_s16_s8(b2.val[0]), vreinterpret_s16_s8(b3.val[0]));
            int16x4x2_t h3 = vtrn_s16(vreinterpret_s16_s8(b2.val[1]), vreinterpret_s16_s8(b3.val[1]));
            int32x2x2_t w0 = vtrn_s32(vreinterpret_s32_s16(h0.val[0]), vreinterpret_s32_s16(h2.val[0]));
            int32x2x2_t w1 = vtrn_s32(vreinterpret_s32_s16(h1.val[0]), vreinterpret_s32_s16(h3.val[0]));
            int32x2x2_t w2 = vtrn_s32(vreinterpret_s32_s16(h0.val[1]), vreinterpret_s32_s16(h2.val[1]));
            int32x2x2_t w3 = vtrn_s32(vreinterpret_s32_s16(h1.val[1]), vreinterpret_s32_s16(h3.val[1]));
            // Channel rows: 0 = w0[0], 1 = w1[0], 2 = w2[0], 3 = w3[0], 4 = w0[1], 5 = w1[1], 6 = w2[1], 7 = w3[1].
            const int32x2_t rows[8] = {w0.val[0], w1.val[0], w2.val[0], w3.val[0], w0.val[1], w1.val[1], w2.val[1], w3.val[1]};
            for (int i = 0; i < 8; i++) {
                int16x8_t v = vmovl_s8(vreinterpret_s8_s32(rows[i]));
                float *out = output + (c + (size_t)i) * positions + p;
                vst1q_f32(out, vmulq_n_f32(vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_low_s16(v)), zp)), scale));
                vst1q_f32(out + 4, vmulq_n_f32(vcvtq_f32_s32(vsubq_s32(vmovl_high_s16(v), zp)), scale));
            }
        }
        dequantize_block_scalar(input, positions, channels, pe, positions, c, c + 8, scale, zero_point, output);
    }
    dequantize_block_scalar(input, positions, channels, 0, positions, ce, channels, scale, zero_point, output);
}
#endif

void eagle_dequantize_hwc_to_chw(const int8_t *input, int32_t positions, int32_t channels, float scale,
                                 int32_t zero_point, float *output) {
#if defined(__x86_64__)
    if (eagle_simd_enabled()) return dequantize_avx2(input, (size_t)positions, (size_t)channels, scale, zero_point, output);
#elif defined(__aarch64__)
    if (eagle_simd_enabled()) return dequantize_neon(input, (size_t)positions, (size_t)channels, scale, zero_point, output);
#endif
    dequantize_block_scalar(input, (size_t)positions, (size_t)channels, 0, (size_t)positions, 0, (size_t)channels, scale,
                            zero_point, output);
}
