// The int8 kernels of the fixed-point expert, in C for what Swift cannot express: the SIMD
// instructions (x86-64 AVX2 vpmaddwd, AArch64 NEON sdot) through intrinsics, chosen at
// run time from what the CPU reports, with a portable C path beside them; and the Float loops
// of the patch features, which must vectorise on both architectures.
//
// Every function here has a plain Swift reference twin in Sources/Kernels/Int8/Reference, and a
// test that compares them bit for bit. The arithmetic they implement is defined in the doc
// comments of the Swift types in Sources/Kernels/Int8 (requantization, rounding, layouts).
//
// Floating point in these files is compiled without contraction into FMAs (see Package.swift):
// the nearest-neighbour epilogue must round the same on every CPU.
#ifndef EAGLE_KERNELS_H
#define EAGLE_KERNELS_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Which instruction set the int8 kernels use on this CPU.
typedef enum {
    EAGLE_ISA_PORTABLE = 0,   ///< plain C, auto-vectorised by the compiler
    EAGLE_ISA_AVX2 = 1,       ///< x86-64 with AVX2 (int8 widened to int16, vpmaddwd)
    EAGLE_ISA_NEON_DOT = 2,   ///< AArch64 with the dot-product extension (sdot)
} eagle_isa;

/// The best instruction set this CPU offers (detected once).
eagle_isa eagle_kernels_detected_isa(void);
/// The instruction set the kernels use now: the detected one unless forced lower.
eagle_isa eagle_kernels_isa(void);
/// Forces the kernels to `isa` (tests run every path the CPU has); returns 0, or -1 if the CPU
/// lacks it.
int eagle_kernels_force_isa(eagle_isa isa);
/// A short name for logs and `bench` output.
const char *eagle_isa_name(eagle_isa isa);

// MARK: threads

/// One task of a parallel job: `index` in 0..<tasks.
typedef void (*eagle_task_fn)(void *context, int index);

/// Runs fn(context, t) for t in 0..<tasks on up to `threads` threads (the caller and helpers of a
/// persistent pool that spin briefly between jobs, then sleep); returns when all are done. Tasks
/// are handed out in increasing order as threads become free. A call made while the pool is busy
/// (another thread's job, or a call from inside a task) runs its tasks on the calling thread.
void eagle_parallel_run(int threads, int tasks, eagle_task_fn fn, void *context);

// MARK: 1x1 convolution

/// Bytes of the packed form of an int8 1x1 convolution `in_channels -> out_channels` for `isa`.
size_t eagle_pointwise_packed_size(eagle_isa isa, int in_channels, int out_channels);

/// Packs weights (`out_channels` rows of `in_channels` codes, -127...127), the folded bias
/// (bias[o] - zx * sum_i w[o][i]) and the requantization (per-channel fixed-point multipliers and
/// shifts, output zero point, clamp) into `packed`, of eagle_pointwise_packed_size bytes, in the
/// layout of `isa`'s kernel.
void eagle_pointwise_pack(eagle_isa isa, int in_channels, int out_channels, const int8_t *weights,
                          const int32_t *folded_bias, const int32_t *multipliers, const int32_t *shifts,
                          int32_t output_zero_point, int32_t clamp_low, int32_t clamp_high, void *packed);

/// y[p][o] for `positions` input rows of `in_channels` codes (HWC), written as `positions` rows of
/// `out_channels` codes, on up to `threads` threads; `packed` comes from eagle_pointwise_pack
/// with an ISA this CPU has. Bit for bit the Swift definition (QuantizedPointwiseConvolution).
void eagle_pointwise_run(const void *packed, const int8_t *input, int8_t *output, int positions, int threads);

// MARK: nearest neighbour

/// Bytes of the packed form of a bank of `bank_count` rows of `dimension` codes for `isa` (an ISA
/// this build lacks packs for the portable path).
size_t eagle_nearest_packed_size(eagle_isa isa, int bank_count, int dimension);

/// Packs the bank (rows of `dimension` codes in -127...127, their scales and squared norms) into
/// `packed`, of eagle_nearest_packed_size bytes, in the layout of `isa`'s tile, padding columns
/// with scale 0 and norm +inf. Done once per bank: the search reads it as it is.
void eagle_nearest_pack(eagle_isa isa, const int8_t *bank, const float *bank_scales, const float *bank_norms,
                        int bank_count, int dimension, void *packed);

/// For each of `query_count` rows of `queries` (codes in -31...31, of the packed bank's dimension) the bank row
/// at the smallest distance, as defined by NearestNeighbour in Swift (same Float operations in the
/// same order): squared distances in `distances`, indices in `indices`, on up to `threads`
/// threads, with the ISA the bank was packed for (which this CPU must have). Returns how many
/// (query, bank row) pairs were scored in full (all of them unless the AVX2 or NEON screen ruled
/// rows out), or -1 if `packed` is not a packed bank.
long long eagle_nearest_search_packed(const void *packed, const int8_t *queries, const float *query_scales,
                                      const float *query_norms, int query_count, float *distances, int32_t *indices,
                                      int threads);

/// Quantizes `count` rows of `dimension` floats with one symmetric scale per row (QuantizedRows):
/// scale = max |x| / limit (1 for an all-zero row), code = x / scale rounded to nearest, ties away
/// from zero, clamped to -limit...limit (limit 1...127), squared norm = (scale * scale) * sum code^2.
void eagle_quantize_rows(const float *rows, int count, int dimension, int limit, int8_t *codes, float *scales,
                         float *squared_norms);

// MARK: - Depthwise, stem, add and conversions (int8, HWC)
//
// Twins of QuantizedDepthwiseConvolution, QuantizedConvolution, QuantizedAdd and QuantizedTensor's
// conversions. A layer is packed once (weights reordered, bias folded with the input zero point,
// requantization constants derived) into a caller-owned buffer of eagle_*_packed_size bytes;
// eagle_*_run then computes output rows [row_begin, row_end), so callers split rows over threads.
// Multipliers and shifts are FixedPointMultiplier's (multiplier >= 0, shift 1...62).

/// The path the depthwise, stem and add kernels take now: "avx2", "neon" or "portable" (they
/// follow eagle_kernels_isa(): forcing EAGLE_ISA_PORTABLE makes them portable).
const char *eagle_kernels_simd_name(void);

size_t eagle_depthwise_packed_size(int32_t channels, int32_t kernel);
/// `weights`: channels x kernel x kernel codes; `bias`, `multipliers`, `shifts`: one per channel.
void eagle_depthwise_pack(int32_t channels, int32_t kernel, int32_t stride, const int8_t *weights,
                          const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                          int32_t input_zero_point, int32_t output_zero_point, int32_t clamp_low,
                          int32_t clamp_high, void *packed);
/// Output rows [row_begin, row_end) of the depthwise convolution of `input` (height x width x
/// channels, HWC) into `output` (ceil(height/stride) x ceil(width/stride) x channels).
void eagle_depthwise_run(const void *packed, const int8_t *input, int32_t height, int32_t width,
                         int8_t *output, int32_t row_begin, int32_t row_end);

size_t eagle_convolution_packed_size(int32_t in_channels, int32_t out_channels, int32_t kernel);
/// `weights`: OIHW codes; `bias`, `multipliers`, `shifts`: one per output channel.
void eagle_convolution_pack(int32_t in_channels, int32_t out_channels, int32_t kernel, int32_t stride,
                            const int8_t *weights, const int32_t *bias, const int32_t *multipliers,
                            const int32_t *shifts, int32_t input_zero_point, int32_t output_zero_point,
                            int32_t clamp_low, int32_t clamp_high, void *packed);
/// Output rows [row_begin, row_end) of the dense convolution of `input` (HWC) into `output` (HWC).
void eagle_convolution_run(const void *packed, const int8_t *input, int32_t height, int32_t width,
                           int8_t *output, int32_t row_begin, int32_t row_end);

/// `count` codes of a + b: clamp(zo + (((a - za) * ma + (b - zb) * mb + 2^(shift-1)) >> shift),
/// -128, 127) in 64-bit arithmetic (QuantizedAdd.code).
void eagle_add(const int8_t *a, const int8_t *b, int8_t *output, size_t count, int32_t a_zero_point,
               int32_t b_zero_point, int32_t output_zero_point, int64_t a_multiplier, int64_t b_multiplier,
               int64_t shift);

/// Image bytes to codes: code = byte - 128 (the stem's input, scale 1/128, zero point -1).
void eagle_image_input(const uint8_t *bytes, int8_t *codes, size_t count);
/// HWC codes to CHW reals: out[c * positions + p] = scale * (float)(in[p * channels + c] - zero_point).
void eagle_dequantize_hwc_to_chw(const int8_t *input, int32_t positions, int32_t channels, float scale,
                                 int32_t zero_point, float *output);

// MARK: - Patch features (Float, CHW planes)
//
// Twins of PatchFeatureAggregator's loops in Swift, same Float operations in the same order.

/// Per-channel mean over the (2 radius + 1)^2 neighbourhood with zero padding counted in the
/// divisor: row sums left to right into `row_sums` (height x width), then column sums top to
/// bottom, times `scale` (1 / neighbourhood size). `input` and `output`: channels x height x width.
void eagle_local_mean(const float *input, int channels, int height, int width, int radius, float scale,
                      float *row_sums, float *output);

/// Adaptive channel pooling of CHW `planes` (channels x positions) in two steps: plane d of
/// `scratch` (tap_bin_count x positions) is the mean of the channels [tap_bins[2d], tap_bins[2d+1]);
/// then output[p][d] (positions x bin_count, position-major) is the mean of the scratch planes
/// [bins[2d], bins[2d+1]). Each mean sums from 0 in channel order and divides by the count.
void eagle_pool_channels(const float *planes, int positions, const int32_t *tap_bins, int tap_bin_count,
                         const int32_t *bins, int bin_count, float *scratch, float *output);

// MARK: - Patch features from int8 codes

/// The patch-feature columns of one int8 tap (HWC `codes`, `height` x `width` x `channels`):
///   S[p][j] = sum over the (2 radius + 1)^2 window positions inside the map, and over channels
///             c in [bins[2j], bins[2j+1]), of (code - zero_point)      (int32, exact)
///   v[p][j] = (float)S[p][j] * factors[j]                              (one rounding)
/// written to output[p * row_stride + column + j]; or, when `x_taps` is given, v resampled to
/// out_height x out_width first: along x, v[i0] * (1 - w) + v[i1] * w with (i0, i1) =
/// x_taps[2 ox ...] and w = x_weights[ox], then the same along y (FloatPlane.resizedBilinear's
/// arithmetic). `int_scratch`: 2 * height * width * bin_count; `float_scratch`: (height * width +
/// height * out_width) * bin_count (unused without resampling).
void eagle_tap_feature_rows(const int8_t *codes, int height, int width, int channels, int zero_point, int radius,
                            const int32_t *bins, int bin_count, const float *factors,
                            int out_height, int out_width, const int32_t *x_taps, const float *x_weights,
                            const int32_t *y_taps, const float *y_weights,
                            int32_t *int_scratch, float *float_scratch, float *output, int row_stride, int column);

/// target[x] = ((0 + w[0] * sources[0][x]) + w[1] * sources[1][x]) + ... for x in 0..<count, in
/// Float, in that order, without FMA (FloatPlane's blur passes; AVX2 when enabled, same bits).
void eagle_weighted_row_sum(const float *const *sources, const float *weights, int taps, int count, float *target);

/// distances[i] = |queries[i] - bank[rows[i]]| for `count` float rows of `dimension` (the int8
/// search's re-rank): eight lane sums in block order, added in order, then the tail, no FMA, the
/// bits of the Swift twin; shared over `threads` workers of the pool.
void eagle_rerank_distances(const float *queries, const float *bank, int dimension, const int32_t *rows, int count,
                            float *distances, int threads);

#ifdef __cplusplus
}
#endif
#endif
