// The int8 network's input and output conversions: image bytes to the stem's codes, and HWC
// codes to the CHW floats the patch-feature code reads. Plain C that compilers vectorise
// (byte xor; int8 -> float conversion and one multiply per value, the same single rounding as
// QuantizationParameters.dequantize).
#include "eagle_kernels.h"

void eagle_image_input(const uint8_t *bytes, int8_t *codes, size_t count) {
    // byte - 128 in two's complement is the byte with its top bit flipped.
    for (size_t i = 0; i < count; i++) codes[i] = (int8_t)(bytes[i] ^ 0x80);
}

void eagle_dequantize_hwc_to_chw(const int8_t *input, int32_t positions, int32_t channels, float scale,
                                 int32_t zero_point, float *output) {
    enum { BLOCK = 16 };
    const size_t p_count = (size_t)positions, c_count = (size_t)channels;
    // Blocks of 16 channels x 16 positions: both the reads and the writes stay within a few lines.
    for (size_t c0 = 0; c0 < c_count; c0 += BLOCK) {
        const size_t c1 = c0 + BLOCK < c_count ? c0 + BLOCK : c_count;
        for (size_t p0 = 0; p0 < p_count; p0 += BLOCK) {
            const size_t p1 = p0 + BLOCK < p_count ? p0 + BLOCK : p_count;
            for (size_t c = c0; c < c1; c++) {
                float *out = output + c * p_count;
                for (size_t p = p0; p < p1; p++) out[p] = scale * (float)((int32_t)input[p * c_count + c] - zero_point);
            }
        }
    }
}
