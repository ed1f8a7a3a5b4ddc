// Private to CEagleKernels: what the files of the nearest-neighbour search share. nearest.c
// states the definition and the screens' bounds that the names here refer to; the packed bank's
// layout is written by nearest_pack.c and nearest_rotation.c and read by the searches
// (nearest_avx2.c, nearest_neon.c, nearest.c's portable one), which nearest.c dispatches.
//
// Functions shared across these files carry the eagle_nn_ prefix, as every global symbol of the
// target carries eagle_; the static inline ones here keep nn_, like each file's own helpers.
#ifndef EAGLE_NEAREST_INTERNAL_H
#define EAGLE_NEAREST_INTERNAL_H

#include "eagle_kernels.h"
#include "pointwise_tiles.h"

#include <math.h>
#include <stdlib.h>

// The rotated screen: its dimensions, the rotation's fixed point (entries R * 2^14 in int16) and
// the largest code of a rotated vector (2^13, so 16 products of two add up below 2^31).
enum { NN_ROTATED_DIMS = 16, NN_ROTATION_BITS = 14, NN_ROTATED_CODE_BITS = 13 };
// Up to here A = R q fits int32 for the queries' 6-bit codes: 31 * 2^14 * 4096 < 2^31.
enum { NN_ROTATED_MAX_DIMENSION = 4096 };

enum { NN_MAGIC = 0x3262414E };

// A packed bank: this header, then the padded scales, norms and column inits (`columns` each),
// the screen's sections if it has one (the rows for full scoring among them), then the bank in
// the ISA's column layout (the rows as they are for the portable path), of the screen's codes if
// screened. Sections start on 64 bytes.
typedef struct {
    int32_t magic, isa, bank_count, dimension, columns;
    int32_t screen, row_stride, rotated;
    int64_t scales_offset, norms_offset, init_offset, bank_offset, total;
    int64_t screen_dims_offset, tails_offset, rows_offset;
    int64_t rotation_offset, rotated_constants_offset, centres_offset, radii_offset, reaches_offset;
    int32_t tiles, tile_stride;
    float largest_norm, largest_length, g, bank_weight, largest_error, largest_rotated, largest_reach;
} nn_header;

typedef struct {
    const int8_t *queries;
    const float *query_scales, *query_norms;
    int query_count, bank_count, dimension;
    const int8_t *bank;
    const float *bank_scales, *bank_norms;   // padded to `columns` (scale 0, norm +inf)
    int columns;
    const void *packed;                      // packed bank columns for the ISA's tile
    const int32_t *init;                     // AVX2: -32 * the column sums (padded to `columns`)
    // Screening (see nearest.c; screen == 0: none): the screened dimensions (NEON: that many;
    // AVX2: the rotation's 16), the rows for full scoring (original order, `row_stride` codes,
    // zero padded), the largest |bn[j]| and bs[j] * |m[j]| for the rounding margin, and for NEON
    // the dimensions screened and bs[j] * |m_B[j]|.
    int screen, row_stride;
    const int8_t *rows;
    float largest_norm, largest_length;
    const int32_t *screen_dims;
    const float *tails;
    // The rotated screen (AVX2, see nearest.c): the rotation's packed int16 columns, each bank
    // column's tail bound (code units), g >= ||R R^T - I||, the bank codes' scale 2^t / 2^14 and
    // the largest |e| and |A| / 2^14 over the bank. Its columns are the bank rows in tiles of
    // similar rows (so that a query's candidates share tiles): `order` gives each column's row;
    // the tails, norms and scales follow that order.
    int rotated;
    const int16_t *rotation;
    const float *rotated_tails, *rotated_norms, *rotated_scales;
    const int32_t *order;
    float g, bank_weight, largest_error, largest_rotated;
    // Per tile of 16 columns: the centre of its rows' rotated vectors bs[j] R m[j] (16 floats per
    // tile, dimension-major: centres[i * tile_stride + tile]), the largest distance of a row from
    // it and the largest |bs[j] R m[j]|; the largest of those over the bank.
    int tiles, tile_stride;
    const float *centres, *radii, *reaches;
    float largest_reach;
    long long *scored;                       // rows scored in full, summed over the tasks
    float *distances;
    int32_t *indices;
    int tile_rows, tiles_per_task;
    eagle_isa isa;
} nn_job;

/// max(best + query_norm, 0) as Swift.max evaluates it (y >= x ? y : x).
static inline float nn_distance(float best, float query_norm) {
    float s = best + query_norm;
    return 0.0f >= s ? 0.0f : s;
}

/// Merges lane minima: the smallest value, the lowest index among equal ones; index 0 when no lane
/// ever took a value (all +inf), as the definition leaves it.
static inline void nn_merge(const float *best, const int32_t *index, int lanes, float *out_best, int32_t *out_index) {
    float b = INFINITY;
    int32_t bi = INT32_MAX;
    for (int l = 0; l < lanes; l++) {
        if (best[l] < b || (best[l] == b && index[l] < bi)) { b = best[l]; bi = index[l]; }
    }
    if (!(b < INFINITY)) bi = 0;
    *out_best = b;
    *out_index = bi;
}

// MARK: packing shared by the screens (nearest_pack.c)
#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)

/// The `count` dimensions where the dequantized bank varies most, most first (ties to the lower
/// dimension).
void eagle_nn_widest_dimensions(const nn_header *h, const int8_t *bank, const float *bank_scales, int count, int32_t *dims);

/// What every screen keeps: the rows for full scoring (`row_stride` codes, zero padded) and the
/// largest |bn[j]| and bs[j] * |m[j]| for the rounding margin.
void eagle_nn_pack_rows(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms);

// MARK: query streams of the screened searches (nearest_screen.c)

/// One query of a screened search: the definition's best over the rows scored so far (the
/// smallest v, the lowest j among equal ones; index 0 while no v is below +inf), and the limit:
/// a row whose bound is above it cannot win (best + margin; -inf for a finished stream's slot).
typedef struct {
    const void *codes;   // the query's codes as the ISA's row dot reads them, `row_stride` of them
    float twice, margin, best, limit;
    int32_t index;
    int32_t length2;     // sum of the squared codes (0 for a placeholder)
} nn_screen_query;

/// Offers row j, whose dot product with the query is `dot`: the definition's rule in any order
/// of rows (a smaller v, or an equal one at a lower index).
static inline void nn_offer(const nn_job *job, nn_screen_query *q, int j, int32_t dot) {
    const float v = job->bank_norms[j] - q->twice * (job->bank_scales[j] * (float)dot);
    if (v < q->best || (v == q->best && j < q->index)) {
        q->best = v;
        q->index = j;
        q->limit = v + q->margin;
    }
}

enum { NN_SCREEN_MAX_STREAMS = 8 };

/// sum_k q[k] * m[j][k] for the query codes as an ISA's search keeps them and bank row j.
typedef int32_t (*nn_row_dot_function)(const nn_job *job, const void *codes, int j);

/// A screened task's queries [i0, i1) as `count` streams of consecutive queries (neighbouring
/// patches): stream r holds [start[r], start[r] + length[r]) and remembers the row its last query
/// found nearest, which the next one scores first. Its queries' codes go to `screened` (rows of
/// `screened_stride`, zeros beyond the screened dimensions) and `full` (rows of row_stride).
typedef struct {
    int count, steps, start[NN_SCREEN_MAX_STREAMS], length[NN_SCREEN_MAX_STREAMS];
    int32_t hint[NN_SCREEN_MAX_STREAMS];
    size_t screened_stride;
    uint8_t *screened, *full;
    long long scored;   // rows scored in full
} nn_streams;

void eagle_nn_streams_open(const nn_job *job, int i0, int i1, int count, size_t screened_stride, nn_streams *s);

/// Step t: each stream's next query started (a placeholder for a finished stream) with `offset`
/// added to its codes, and scored first against its stream's hint; |q_B| of each in tail[r].
void eagle_nn_streams_begin(const nn_job *job, nn_streams *s, int t, int offset, nn_row_dot_function row_dot,
                            nn_screen_query *q, float *tail);

/// Step t's results stored, and each answer kept as its stream's next hint.
void eagle_nn_streams_end(const nn_job *job, nn_streams *s, int t, const nn_screen_query *q);

/// Frees the scratch; returns the rows scored in full.
long long eagle_nn_streams_close(nn_streams *s);
#endif

// MARK: AVX2 (nearest_avx2.c, the rotated screen's packing in nearest_rotation.c)
#ifdef EAGLE_HAVE_AVX2_PATH

// Four query rows per tile, not X86_MR's six: 8 accumulators, two weight vectors, two broadcast
// row codes, two products and the vector of ones fit the 16 ymm registers; with five rows (and
// four weight vectors live) clang spilled accumulators to the stack in the inner loop.
#define NN_X86_MR 4

/// The unscreened search, NN_X86_MR queries per tile.
X86_FN void eagle_nn_avx2(const nn_job *job, int i0, int i1);

/// The rotated screen; returns the rows scored in full.
X86_FN long long eagle_nn_avx2_rotated(const nn_job *job, int i0, int i1);

/// The rotated screen's sections of a packed AVX2 bank, the rows for full scoring among them.
void eagle_nn_pack_rotated(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms);

// The rotated codes below are made alike for the bank (at pack time) and for each query (during
// the search): the bound relies on both sides being coded by the same rules.

/// The smallest t >= 0 with every |A_i| < 2^(13+t) (of `count` values), so A / 2^t rounds to
/// codes within 2^13.
static inline int nn_rotated_shift(const int64_t *a, size_t count) {
    int64_t largest = 0;
    for (size_t i = 0; i < count; i++) largest = EAGLE_MAX(largest, a[i] < 0 ? -a[i] : a[i]);
    int t = 0;
    while (largest >= ((int64_t)1 << (NN_ROTATED_CODE_BITS + t))) t++;
    return t;
}

/// c = A / 2^t rounded half away from zero and e = A - 2^t c, exactly; the squared lengths of c,
/// e and A in `sq`.
static inline void nn_rotated_codes(const int64_t *a, int t, int16_t *c, __int128 sq[3]) {
    sq[0] = sq[1] = sq[2] = 0;
    for (int i = 0; i < NN_ROTATED_DIMS; i++) {
        int64_t magnitude = a[i] < 0 ? -a[i] : a[i];
        int64_t code = t > 0 ? (magnitude + ((int64_t)1 << (t - 1))) >> t : magnitude;
        if (a[i] < 0) code = -code;
        int64_t e = a[i] - code * ((int64_t)1 << t);
        c[i] = (int16_t)code;
        sq[0] += (__int128)(code * code);
        sq[1] += (__int128)e * e;
        sq[2] += (__int128)a[i] * a[i];
    }
}

/// 2^e exactly, for |e| < 64, without a libm call (ldexp was visible per query).
static inline double nn_power2(int e) { return e >= 0 ? (double)(1ull << e) : 1.0 / (double)(1ull << -e); }

/// The smallest float not below the non-negative `x`.
static inline float nn_float_up(double x) {
    float f = (float)x;
    return (double)f < x ? nextafterf(f, INFINITY) : f;
}

/// Upper bound on the length of the part of a vector of code length^2 `all` outside the rotation,
/// from its rotated A (length^2 `a2`), in code units: |x_perp|^2 <= (all 2^28 - |A|^2 + g |A|^2) / 2^28.
static inline float nn_rotated_tail(int64_t all, __int128 a2, float g) {
    __int128 exact = (__int128)all * ((__int128)1 << (2 * NN_ROTATION_BITS)) - a2;   // |x|^2 - |a|^2, times 2^28
    double bound = (double)exact + (double)g * (double)a2 * (1 + 1e-12);
    return nn_float_up(sqrt(bound > 0 ? bound : 0) * nn_power2(-NN_ROTATION_BITS) * (1 + 1e-12));
}
#endif

// MARK: NEON (nearest_neon.c)
#ifdef EAGLE_HAVE_NEON_PATH

/// The unscreened search, NEON_MR queries per 8 x 8 sdot tile.
NEON_FN void eagle_nn_neon(const nn_job *job, int i0, int i1);

/// The per-dimension screen; returns the rows scored in full.
NEON_FN long long eagle_nn_neon_screened(const nn_job *job, int i0, int i1);
#endif

#endif
