// Exact nearest-neighbour search between int8 rows (NearestNeighbour in Swift):
//
//     dot  = sum_k q[i][k] * m[j][k]                               (int32, exact)
//     v[j] = bank_norm[j] - (2 * qs[i]) * (bs[j] * (float)dot)     (Float, this order, no FMA)
//     best = the smallest v[j], the lowest j on ties;  d2 = max(best + query_norm[i], 0)
//
// Query codes lie in -31...31 (NearestNeighbour.queryCodeLimit), bank codes in -127...127. The
// bank is packed as columns once, by eagle_nearest_pack, and kept with the model; queries are the
// rows of the tiles:
// * AArch64: the sdot tiles of pointwise_tiles.h on the codes as they are;
// * x86-64 AVX2: u = q + 32 (1...63) as unsigned bytes against the bank's signed bytes with
//   vpmaddubsw, whose pairwise int16 sums |u1 m1 + u2 m2| <= 2 * 63 * 127 = 16002 never
//   saturate; those of two groups of 4 codes are added in int16 (|sum| <= 32004, exact) and
//   widened by one vpmaddwd with ones into int32 (8 codes per lane), so 8 codes cost three
//   multiplies, not four; the accumulators start at -32 * sum_k m[j][k], so they end at
//   sum_k q m exactly. The codes are padded to a multiple of 8 with zeros on both sides.
// The AVX2 and NEON paths screen the bank first when the dimension is large enough
// (NN_SCREEN_MIN_DIMENSION): each row gets a lower bound on its v, and only rows whose bound, less
// a margin for float rounding, does not exceed the best v found so far are scored in full, by
// the definition's formula. A pruned row's v is then strictly above the best, so the result is
// the definition's, bit for bit. The portable path scores every row.
// * NEON (the per-dimension screen): the dimensions A where the bank varies most (a third of
//   them, picked at pack time) bound the rest, B, by Cauchy-Schwarz (scales are positive):
//     dot <= dot_A + |q_B| |m_B|,   so   v[j] >= bn[j] - (2 * qs[i]) * bs[j] * (dot_A + |q_B| |m_B|).
//   On bottle's bank (1639 rows of 144 dimensions) it scores 0.7 % of the rows in full for the
//   patches of good parts, 1.6 % for defective ones.
// * AVX2 (the rotated screen): R, 16 orthonormal directions near the bank's principal ones
//   (found at pack time), stored as int16 with 14 fractional bits; R' = R_int / 2^14 and
//   g >= ||R' R'^T - I|| (Frobenius, exact from the integers). In code units, with A = R_int q
//   (int32, exact) and a = A / 2^14, the parts outside R' satisfy, for q_perp = q - R'^T a,
//     q . m = a_q . a_m - a_q^T G a_m + q_perp . m_perp,   |q_perp|^2 <= |q|^2 - |a_q|^2 + g |a_q|^2.
//   A is kept as 16 int16 codes c = round(A / 2^t) (|c| <= 2^13; t per query, one for the bank)
//   with the exact error e = A - 2^t c, so the code dot product D = c_q . c_m gives
//     q . m <= 2^(t_q + t_m) D / 2^28 + (2^t_q |c_q| |e_m| + (|e_q| + g |A_q|) |A_m|) / 2^28 + |q_perp| |m_perp|,
//   the largest |e_m| and |A_m| over the bank standing in for the row's (they are tiny terms).
//   The bank's columns are ordered into tiles of 16 similar rows (a k-d split of the rotated
//   vectors), and each tile keeps the centre and radius of its rows' real rotated vectors
//   bs R' m; by the triangle inequality (with the identity above) no row of a tile has
//     v < max(|qs R' q - centre| - radius, 0)^2 - |qs q|^2 - g (|qs R' q| + reach)^2,
//   so a query screens only the tiles this bound does not rule out, most promising first,
//   then the rows of those tiles by D. On bottle's bank a patch of a good part screens 14.5 of
//   the 103 tiles and scores 11.8 rows (0.7 %) in full; of a defective part, 22.3 tiles and 18.4
//   rows (1.1 %).
// Unscreened, each SIMD lane keeps its own running minimum over the bank rows it sees, in
// increasing j and with a strict `<`, so it holds the first minimum of its rows; the lanes are
// then merged by value, the lowest index among equal values: the first minimum over all rows,
// which is what the sequential definition finds. Padding columns have norm +inf and scale 0, so
// their v is +inf and never replaces a best value (which starts at +inf, as in the definition).
#include "eagle_kernels.h"
#include "pointwise_tiles.h"

#include <math.h>
#include <stdlib.h>

// The rotated screen: its dimensions, the rotation's fixed point (entries R * 2^14 in int16) and
// the largest code of a rotated vector (2^13, so 16 products of two add up below 2^31).
enum { NN_ROTATED_DIMS = 16, NN_ROTATION_BITS = 14, NN_ROTATED_CODE_BITS = 13 };
// Up to here A = R q fits int32 for the queries' 6-bit codes: 31 * 2^14 * 4096 < 2^31.
enum { NN_ROTATED_MAX_DIMENSION = 4096 };
// Orthogonal iterations that turn the starting axes towards the bank's principal directions (any
// orthonormal rows give a valid bound; closer ones rule out more rows).
enum { NN_ROTATION_ITERATIONS = 30, NN_ROTATION_SAMPLE = 2048 };

typedef struct {
    const int8_t *queries;
    const float *query_scales, *query_norms;
    int query_count, bank_count, dimension;
    const int8_t *bank;
    const float *bank_scales, *bank_norms;   // padded to `columns` (scale 0, norm +inf)
    int columns;
    const void *packed;                      // packed bank columns for the ISA's tile
    const int32_t *init;                     // AVX2: -32 * the column sums (padded to `columns`)
    // Screening (see the top; screen == 0: none): the screened dimensions (NEON: that many; AVX2:
    // the rotation's 16), the rows for full scoring (original order, `row_stride` codes, zero
    // padded), the largest |bn[j]| and bs[j] * |m[j]| for the rounding margin, and for NEON the
    // dimensions screened and bs[j] * |m_B[j]|.
    int screen, row_stride;
    const int8_t *rows;
    float largest_norm, largest_length;
    const int32_t *screen_dims;
    const float *tails;
    // The rotated screen (AVX2, see the top): the rotation's packed int16 columns, each bank
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

static void nn_portable(const nn_job *job, int i0, int i1) {
    int d = job->dimension;
    for (int i = i0; i < i1; i++) {
        const int8_t *q = job->queries + (size_t)i * (size_t)d;
        float twice = 2.0f * job->query_scales[i];
        float best = INFINITY;
        int32_t best_index = 0;
        for (int j = 0; j < job->bank_count; j++) {
            const int8_t *m = job->bank + (size_t)j * (size_t)d;
            int32_t dot = 0;
            for (int k = 0; k < d; k++) dot += (int32_t)q[k] * (int32_t)m[k];
            float v = job->bank_norms[j] - twice * (job->bank_scales[j] * (float)dot);
            if (v < best) { best = v; best_index = j; }
        }
        job->distances[i] = nn_distance(best, job->query_norms[i]);
        job->indices[i] = best_index;
    }
}

// MARK: screening (see the top), shared by the AVX2 and NEON searches
#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)

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

/// Starts query i (a placeholder of zeros when not `live`): its codes plus `offset` into `full`
/// (zero padded to row_stride) and, in screened order, into `screened`; the query's margin; and
/// |q_B|, its length over the other dimensions, returned.
static float nn_screen_start(const nn_job *job, int i, int live, int offset, uint8_t *screened, uint8_t *full,
                             nn_screen_query *q) {
    const int d = job->dimension;
    const int8_t *codes = live ? job->queries + (size_t)i * (size_t)d : NULL;
    int32_t all = 0, part = 0;   // squared code lengths, exact (d * 31^2 < 2^31)
    memset(full, 0, (size_t)job->row_stride);
    for (int k = 0; live && k < d; k++) {
        all += (int32_t)codes[k] * codes[k];
        full[k] = (uint8_t)(codes[k] + offset);
    }
    for (int k = 0; !job->rotated && k < job->screen; k++) {   // the rotated screen's codes come later
        int8_t code = live ? codes[job->screen_dims[k]] : 0;
        part += (int32_t)code * code;
        screened[k] = (uint8_t)(code + offset);
    }
    q->codes = full;
    q->twice = live ? 2.0f * job->query_scales[i] : 0.0f;
    // The bound and v each lie within a few float roundings (2^-24 relative) of their real values,
    // which are at most largest_norm + twice * |q| * largest_length in magnitude; 1e-5 of that
    // covers both with room to spare.
    q->margin = 1e-5f * (job->largest_norm + q->twice * sqrtf((float)all) * job->largest_length);
    q->best = INFINITY;
    q->index = 0;
    q->limit = live ? INFINITY : -INFINITY;
    q->length2 = all;
    return sqrtf((float)(all - part));
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

static void nn_streams_open(const nn_job *job, int i0, int i1, int count, size_t screened_stride, nn_streams *s) {
    const int total = i1 - i0, per = (total + count - 1) / count;
    memset(s, 0, sizeof *s);
    s->count = count;
    s->steps = per;
    for (int r = 0; r < count; r++) {
        s->start[r] = i0 + EAGLE_MIN(total, r * per);
        s->length[r] = EAGLE_MIN(total, (r + 1) * per) - (s->start[r] - i0);
    }
    s->screened_stride = screened_stride;
    s->screened = calloc((size_t)count * screened_stride, 1);
    s->full = malloc((size_t)count * (size_t)job->row_stride);
    if (!s->screened || !s->full) abort();
}

/// Step t: each stream's next query started (nn_screen_start; a placeholder for a finished
/// stream) with `offset` added to its codes, and scored first against its stream's hint; |q_B|
/// of each in tail[r].
static void nn_streams_begin(const nn_job *job, nn_streams *s, int t, int offset, nn_row_dot_function row_dot,
                             nn_screen_query *q, float *tail) {
    for (int r = 0; r < s->count; r++) {
        const int live = t < s->length[r];
        tail[r] = nn_screen_start(job, s->start[r] + t, live, offset, s->screened + (size_t)r * s->screened_stride,
                                  s->full + (size_t)r * (size_t)job->row_stride, &q[r]);
        if (live) {
            nn_offer(job, &q[r], s->hint[r], row_dot(job, q[r].codes, s->hint[r]));
            s->scored++;
        }
    }
}

/// Step t's results stored, and each answer kept as its stream's next hint.
static void nn_streams_end(const nn_job *job, nn_streams *s, int t, const nn_screen_query *q) {
    for (int r = 0; r < s->count; r++) {
        if (t >= s->length[r]) continue;
        const int i = s->start[r] + t;
        job->indices[i] = q[r].index;
        job->distances[i] = nn_distance(q[r].best, job->query_norms[i]);
        s->hint[r] = q[r].index;
    }
}

/// Frees the scratch; returns the rows scored in full.
static long long nn_streams_close(nn_streams *s) {
    free(s->screened);
    free(s->full);
    return s->scored;
}
#endif

#ifdef EAGLE_HAVE_AVX2_PATH
X86_INLINE void nn_x86_update(__m256i acc, const float *bs, const float *bn, __m256 twice, int j0, float *best, int32_t *index) {
    __m256 v = _mm256_sub_ps(_mm256_loadu_ps(bn), _mm256_mul_ps(twice, _mm256_mul_ps(_mm256_loadu_ps(bs), _mm256_cvtepi32_ps(acc))));
    __m256 b = _mm256_loadu_ps(best);
    __m256 less = _mm256_cmp_ps(v, b, _CMP_LT_OQ);
    __m256i j = _mm256_add_epi32(_mm256_set1_epi32(j0), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_storeu_ps(best, _mm256_blendv_ps(b, v, less));
    __m256i old = _mm256_loadu_si256((const __m256i *)index);
    _mm256_storeu_si256((__m256i *)index, _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(old), _mm256_castsi256_ps(j), less)));
}

/// Packed u8 x s8 columns: `n` (a multiple of 8) columns of `k` codes in tiles of 16 (the last one
/// of 8 when n % 16 == 8), each [kp/4][width][4] with kp = k rounded up to 8, zeros beyond k and
/// beyond the `real` columns (rows of `stride` codes).
static size_t nn_x86_columns_size(int k, int n) { return (size_t)eagle_round_up(k, 8) * (size_t)n; }

static void nn_x86_pack_columns(const int8_t *m, int stride, int real, int k, int n, int8_t *out) {
    int kp = eagle_round_up(k, 8);
    for (int c0 = 0; c0 < n; c0 += 16) {
        int width = EAGLE_MIN(16, n - c0);
        for (int g = 0; g < kp / 4; g++)
            for (int j = 0; j < width; j++)
                for (int h = 0; h < 4; h++) {
                    int c = c0 + j, i = 4 * g + h;
                    *out++ = (c < real && i < k) ? m[(size_t)c * (size_t)stride + (size_t)i] : 0;
                }
    }
}

// Four query rows per tile, not X86_MR's six: 8 accumulators, two weight vectors, two broadcast
// row codes, two products and the vector of ones fit the 16 ymm registers; with five rows (and
// four weight vectors live) clang spilled accumulators to the stack in the inner loop.
#define NN_X86_MR 4

/// `NN_X86_MR` rows of `kp` unsigned codes q + 32 from `rows` rows of `k` codes (zeros beyond).
X86_INLINE void nn_x86_offset_rows(const int8_t *q, size_t stride, int rows, int k, int kp, uint8_t *out) {
    const __m256i offset = _mm256_set1_epi8(32);
    for (int r = 0; r < NN_X86_MR; r++) {
        uint8_t *o = out + (size_t)r * (size_t)kp;
        if (r >= rows) { memset(o, 0, (size_t)kp); continue; }
        const int8_t *s = q + (size_t)r * stride;
        int i = 0;
        for (; i + 32 <= k; i += 32)
            _mm256_storeu_si256((__m256i *)(o + i), _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(s + i)), offset));
        for (; i < k; i++) o[i] = (uint8_t)(s[i] + 32);
        for (; i < kp; i++) o[i] = 0;
    }
}

// Row R's 8 codes from i against one half of the tile's columns (wa: the first group of 4 codes,
// wb: the second) into accumulator c_R_H.
#define NN_X86_ROW(R, H) \
    a = x86_pair((const int16_t *)(const void *)(r##R + i)); \
    b = x86_pair((const int16_t *)(const void *)(r##R + i + 4)); \
    c##R##H = _mm256_add_epi32(c##R##H, _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(a, wa), _mm256_maddubs_epi16(b, wb)), ones));

/// 4 rows x 16 (`wide`, a constant at each call) or 8 columns of u8 x s8 dot products over `kp`
/// codes (a multiple of 8), starting from b0 (columns 0-7) and b1 (8-15).
X86_INLINE x86_acc nn_x86_dot(const uint8_t *rows, int kp, const int8_t *w, __m256i b0, __m256i b1, const int wide) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1;
    __m256i c30 = b0, c31 = b1, z = _mm256_setzero_si256();
    const uint8_t *r0 = rows, *r1 = r0 + kp, *r2 = r1 + kp, *r3 = r2 + kp;
    const int group = wide ? 64 : 32;   // bytes of one group of 4 codes of the tile's columns
    // One half of the columns at a time, the rows' codes broadcast again for the second: two
    // weight vectors live instead of four, so the 8 accumulators stay in registers.
    for (int i = 0; i < kp; i += 8) {
        __m256i wa = _mm256_loadu_si256((const __m256i *)w), wb = _mm256_loadu_si256((const __m256i *)(w + group)), a, b;
        NN_X86_ROW(0, 0) NN_X86_ROW(1, 0) NN_X86_ROW(2, 0) NN_X86_ROW(3, 0)
        // Opaque row pointers: the compiler must broadcast again rather than keep all eight.
        __asm__("" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3));
        if (wide) {
            wa = _mm256_loadu_si256((const __m256i *)(w + 32));
            wb = _mm256_loadu_si256((const __m256i *)(w + group + 32));
            NN_X86_ROW(0, 1) NN_X86_ROW(1, 1) NN_X86_ROW(2, 1) NN_X86_ROW(3, 1)
        }
        w += 2 * group;
    }
    x86_acc acc = {{{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {z, z}, {z, z}}};
    return acc;
}

X86_FN static void nn_avx2(const nn_job *job, int i0, int i1) {
    int d = job->dimension, kp = eagle_round_up(d, 8), np = job->columns;
    const int8_t *w = job->packed;
    uint8_t stack_rows[NN_X86_MR * 1040];
    uint8_t *rows = kp <= 1040 ? stack_rows : malloc((size_t)NN_X86_MR * (size_t)kp);
    float best[NN_X86_MR][8];
    int32_t index[NN_X86_MR][8];
    for (int i = i0; i < i1; i += NN_X86_MR) {
        int count = EAGLE_MIN(NN_X86_MR, i1 - i);
        nn_x86_offset_rows(job->queries + (size_t)i * (size_t)d, (size_t)d, count, d, kp, rows);
        __m256 twice[NN_X86_MR];
        for (int r = 0; r < NN_X86_MR; r++) {
            twice[r] = _mm256_set1_ps(r < count ? 2.0f * job->query_scales[i + r] : 0.0f);
            _mm256_storeu_ps(best[r], _mm256_set1_ps(INFINITY));
            _mm256_storeu_si256((__m256i *)index[r], _mm256_set1_epi32(INT32_MAX));
        }
        for (int c0 = 0; c0 < np; c0 += 16) {
            int wide = np - c0 >= 16;
            const int8_t *tile = w + (size_t)c0 * (size_t)kp;
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(job->init + c0));
            x86_acc acc = wide ? nn_x86_dot(rows, kp, tile, b0, _mm256_loadu_si256((const __m256i *)(job->init + c0 + 8)), 1)
                               : nn_x86_dot(rows, kp, tile, b0, b0, 0);
            for (int r = 0; r < count; r++) {
                nn_x86_update(acc.v[r][0], job->bank_scales + c0, job->bank_norms + c0, twice[r], c0, best[r], index[r]);
                if (wide) nn_x86_update(acc.v[r][1], job->bank_scales + c0 + 8, job->bank_norms + c0 + 8, twice[r], c0 + 8, best[r], index[r]);
            }
        }
        for (int r = 0; r < count; r++) {
            float b;
            nn_merge(best[r], index[r], 8, &b, &job->indices[i + r]);
            job->distances[i + r] = nn_distance(b, job->query_norms[i + r]);
        }
    }
    if (rows != stack_rows) free(rows);
}

/// sum_k q[k] * m[j][k] from the unsigned codes u = q + 32 of one query (`row_stride` of them, a
/// multiple of 32, zeros beyond the dimension) and bank row j, as the tiles compute it.
X86_INLINE int32_t nn_x86_row_dot(const nn_job *job, const uint8_t *u, int j) {
    const int8_t *m = job->rows + (size_t)j * (size_t)job->row_stride;
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i sum = _mm256_setzero_si256();
    for (int k = 0; k < job->row_stride; k += 32) {
        __m256i pairs = _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(u + k)), _mm256_loadu_si256((const __m256i *)(m + k)));
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(pairs, ones));
    }
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
    return (int32_t)((uint32_t)_mm_cvtsi128_si32(h) + (uint32_t)job->init[j]);
}

/// Scores the real rows among the lanes set in `low` (columns j0...j0+7) and `high` (j0+8...):
/// their dot products first, independent of each other, then the offers. Returns their number.
X86_INLINE int nn_x86_score_lanes(const nn_job *job, nn_screen_query *q, __m256 low, __m256 high, int j0) {
    unsigned keep = (unsigned)_mm256_movemask_ps(low) | ((unsigned)_mm256_movemask_ps(high) << 8);
    int32_t rows[16], dots[16];
    int count = 0;
    while (keep) {
        const int j = j0 + __builtin_ctz(keep);
        keep &= keep - 1;
        if (j < job->bank_count) rows[count++] = job->order[j];
    }
    for (int c = 0; c < count; c++) dots[c] = nn_x86_row_dot(job, q->codes, rows[c]);
    for (int c = 0; c < count; c++) nn_offer(job, q, rows[c], dots[c]);
    return count;
}

X86_FN static int32_t nn_x86_row_dot_call(const nn_job *job, const void *codes, int j) { return nn_x86_row_dot(job, codes, j); }

/// One query's side of the rotated screen's bound (see the top), broadcast: the scale of the
/// code dot product, the tail bound, the rounding terms, 2 qs and the limit.
typedef struct { __m256 w, tail, rest, twice, limit; } nn_x86_rotated_query;

/// The smallest t >= 0 with every |A_i| < 2^(13+t) (of `count` values), so A / 2^t rounds to
/// codes within 2^13.
static int nn_rotated_shift(const int64_t *a, size_t count) {
    int64_t largest = 0;
    for (size_t i = 0; i < count; i++) largest = EAGLE_MAX(largest, a[i] < 0 ? -a[i] : a[i]);
    int t = 0;
    while (largest >= ((int64_t)1 << (NN_ROTATED_CODE_BITS + t))) t++;
    return t;
}

/// c = A / 2^t rounded half away from zero and e = A - 2^t c, exactly; the squared lengths of c,
/// e and A in `sq`.
static void nn_rotated_codes(const int64_t *a, int t, int16_t *c, __int128 sq[3]) {
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
static float nn_float_up(double x) {
    float f = (float)x;
    return (double)f < x ? nextafterf(f, INFINITY) : f;
}

/// Upper bound on the length of the part of a vector of code length^2 `all` outside the rotation,
/// from its rotated A (length^2 `a2`), in code units: |x_perp|^2 <= (all 2^28 - |A|^2 + g |A|^2) / 2^28.
static float nn_rotated_tail(int64_t all, __int128 a2, float g) {
    __int128 exact = (__int128)all * ((__int128)1 << (2 * NN_ROTATION_BITS)) - a2;   // |x|^2 - |a|^2, times 2^28
    double bound = (double)exact + (double)g * (double)a2 * (1 + 1e-12);
    return nn_float_up(sqrt(bound > 0 ? bound : 0) * nn_power2(-NN_ROTATION_BITS) * (1 + 1e-12));
}

/// The bounds of 8 columns j0... on the rotated screen, compared with the query's limit: all ones
/// in the lanes whose row may beat the best (NaN included).
X86_INLINE __m256 nn_x86_rotated_candidates(const nn_job *job, const nn_x86_rotated_query *r, __m256i dot, int j0) {
    __m256 x = _mm256_fmadd_ps(r->tail, _mm256_loadu_ps(job->rotated_tails + j0), r->rest);
    x = _mm256_fmadd_ps(r->w, _mm256_cvtepi32_ps(dot), x);
    __m256 bound = _mm256_fnmadd_ps(r->twice, _mm256_mul_ps(_mm256_loadu_ps(job->rotated_scales + j0), x),
                                    _mm256_loadu_ps(job->rotated_norms + j0));
    return _mm256_cmp_ps(bound, r->limit, _CMP_NGT_UQ);
}

/// A lower bound on the v of every row of each tile, from the triangle inequality in the rotated
/// space (see the top): with L = max(|qs R q - centre| - radius, 0),
///     v >= L^2 - |q|^2 - g (|qs R q| + reach)^2,
/// less a margin for float rounding. Each tile that may hold a row whose v is not above `limit`
/// goes to tiles[l] with its bound in bounds[l], the most promising first; returns how many.
X86_INLINE int nn_x86_tile_bounds(const nn_job *job, const float *rotated_query, float length, float query_norm,
                                  float limit, float *bounds, int32_t *tiles) {
    // The distances and lengths are within a few float roundings (2^-24 relative) of their real
    // values, at most |q| + the largest reach; 1e-5 of its square covers their effect on L^2.
    const float reach = sqrtf(query_norm) + job->largest_reach, margin = 1e-5f * reach * reach;
    const __m256 g = _mm256_set1_ps(job->g), zero = _mm256_setzero_ps(), length_v = _mm256_set1_ps(length);
    const __m256 cut = _mm256_set1_ps(limit + query_norm + margin);   // L^2 - g (...)^2 above this: no row can win
    int live = 0;
    for (int t0 = 0; t0 < job->tiles; t0 += 8) {
        __m256 distance2 = zero;
        for (int k = 0; k < NN_ROTATED_DIMS; k++) {
            __m256 difference = _mm256_sub_ps(_mm256_set1_ps(rotated_query[k]), _mm256_loadu_ps(job->centres + (size_t)k * (size_t)job->tile_stride + (size_t)t0));
            distance2 = _mm256_fmadd_ps(difference, difference, distance2);
        }
        __m256 gap = _mm256_max_ps(_mm256_sub_ps(_mm256_sqrt_ps(distance2), _mm256_loadu_ps(job->radii + t0)), zero);
        __m256 spread = _mm256_add_ps(length_v, _mm256_loadu_ps(job->reaches + t0));
        __m256 bound = _mm256_fnmadd_ps(_mm256_mul_ps(g, spread), spread, _mm256_mul_ps(gap, gap));
        unsigned keep = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(bound, cut, _CMP_NGT_UQ));
        float values[8];
        _mm256_storeu_ps(values, bound);
        while (keep) {
            const int lane = __builtin_ctz(keep);
            keep &= keep - 1;
            if (t0 + lane >= job->tiles) break;
            bounds[live] = values[lane] - query_norm - margin;   // a lower bound on v, comparable with the limit
            tiles[live++] = t0 + lane;
        }
    }
    // The most promising tile first, so the limit tightens early (sorting them all cost more than
    // it saved).
    int first = 0;
    for (int l = 1; l < live; l++) first = bounds[l] < bounds[first] ? l : first;
    if (first > 0) {
        const float b = bounds[0];
        const int32_t tile = tiles[0];
        bounds[0] = bounds[first];
        tiles[0] = tiles[first];
        bounds[first] = b;
        tiles[first] = tile;
    }
    return live;
}

/// Screens the `live` tiles of one query (nn_x86_tile_bounds' order) against its rotated codes
/// and scores the candidates, skipping the tiles whose bound has come to exceed the limit.
/// Returns the rows scored in full.
X86_INLINE long long nn_x86_rotated_tiles(const nn_job *job, nn_screen_query *q, nn_x86_rotated_query *rq, const int16_t *codes,
                                          const float *bounds, const int32_t *tiles, int live) {
    __m256i pairs[NN_ROTATED_DIMS / 2];
    for (int p = 0; p < NN_ROTATED_DIMS / 2; p++) pairs[p] = x86_pair(codes + 2 * p);
    long long scored = 0;
    for (int l = 0; l < live; l++) {
        if (bounds[l] > q->limit) continue;
        const int c0 = 16 * tiles[l], full = job->columns - c0 >= 16;
        const int16_t *w = (const int16_t *)job->packed + (size_t)c0 * NN_ROTATED_DIMS;
        __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();
        if (full) {
            for (int p = 0; p < NN_ROTATED_DIMS / 2; p++) {
                low = _mm256_add_epi32(low, _mm256_madd_epi16(pairs[p], _mm256_loadu_si256((const __m256i *)(w + 32 * p))));
                high = _mm256_add_epi32(high, _mm256_madd_epi16(pairs[p], _mm256_loadu_si256((const __m256i *)(w + 32 * p + 16))));
            }
        } else {
            for (int p = 0; p < NN_ROTATED_DIMS / 2; p++)
                low = _mm256_add_epi32(low, _mm256_madd_epi16(pairs[p], _mm256_loadu_si256((const __m256i *)(w + 16 * p))));
        }
        __m256 m0 = nn_x86_rotated_candidates(job, rq, low, c0);
        __m256 m1 = full ? nn_x86_rotated_candidates(job, rq, high, c0 + 8) : _mm256_setzero_ps();
        if (_mm256_testz_ps(_mm256_or_ps(m0, m1), _mm256_or_ps(m0, m1))) continue;
        scored += nn_x86_score_lanes(job, q, m0, m1, c0);
        rq->limit = _mm256_set1_ps(q->limit);
    }
    return scored;
}

/// The rotated screen (see the top). The task's queries are six streams of consecutive ones
/// (nn_streams: each first scores the row its predecessor found nearest, which neighbouring
/// patches mostly share, so the limit is tight from the start); each step's six queries are
/// rotated together by the 1x1 convolution's 6 x 16 int16 tile, then screened one by one.
/// Returns the rows scored in full.
X86_FN static long long nn_avx2_rotated(const nn_job *job, int i0, int i1) {
    const int d = job->dimension, kp = eagle_round_up(d, 2);
    const __m256i zero = _mm256_setzero_si256();
    int16_t *wide = malloc(sizeof(int16_t) * X86_MR * (size_t)kp);
    if (!wide) abort();
    nn_streams s;
    nn_streams_open(job, i0, i1, X86_MR, sizeof(int16_t) * NN_ROTATED_DIMS, &s);
    float *bounds = malloc(sizeof(float) * (size_t)job->tile_stride);
    int32_t *tiles = malloc(sizeof(int32_t) * (size_t)job->tile_stride);
    if (!bounds || !tiles) abort();
    for (int t = 0; t < s.steps; t++) {
        nn_screen_query q[X86_MR];
        float unused[X86_MR];
        nn_streams_begin(job, &s, t, 32, nn_x86_row_dot_call, q, unused);
        for (int r = 0; r < X86_MR; r++) {
            int16_t *o = wide + (size_t)r * (size_t)kp;
            memset(o, 0, sizeof(int16_t) * (size_t)kp);
            if (t >= s.length[r]) continue;
            const int8_t *codes = job->queries + (size_t)(s.start[r] + t) * (size_t)d;
            for (int k = 0; k < d; k++) o[k] = codes[k];
        }
        // A = R q in int32, exactly (|A_i| <= 31 * 2^14 * d < 2^31 for the dimensions packed).
        x86_acc rotated = x86_dot_6x16(wide, kp, job->rotation, zero, zero);
        nn_x86_rotated_query rq[X86_MR];
        int32_t lanes[X86_MR][NN_ROTATED_DIMS];
        for (int r = 0; r < X86_MR; r++) {
            int64_t a[NN_ROTATED_DIMS];
            __int128 sq[3];
            _mm256_storeu_si256((__m256i *)lanes[r], rotated.v[r][0]);
            _mm256_storeu_si256((__m256i *)(lanes[r] + 8), rotated.v[r][1]);
            for (int i = 0; i < NN_ROTATED_DIMS; i++) a[i] = lanes[r][i];
            const int shift = nn_rotated_shift(a, NN_ROTATED_DIMS);
            nn_rotated_codes(a, shift, (int16_t *)(void *)(s.screened + (size_t)r * s.screened_stride), sq);
            // 2^t |c| |e_m| + (|e_q| + g |A_q|) |A_m|, over 2^28, with the bank's largest |e_m|, |A_m|.
            const double rest = sqrt((double)sq[0]) * nn_power2(shift - NN_ROTATION_BITS) * job->largest_error +
                                (sqrt((double)sq[1]) + (double)job->g * sqrt((double)sq[2])) * nn_power2(-NN_ROTATION_BITS) * job->largest_rotated;
            rq[r].w = _mm256_set1_ps((float)(job->bank_weight * nn_power2(shift - NN_ROTATION_BITS)));
            rq[r].tail = _mm256_set1_ps(nn_rotated_tail(q[r].length2, sq[2], job->g));
            rq[r].rest = _mm256_set1_ps(nn_float_up(rest * (1 + 1e-9)));
            rq[r].twice = _mm256_set1_ps(q[r].twice);
            rq[r].limit = _mm256_set1_ps(q[r].limit);
        }
        for (int r = 0; r < X86_MR; r++) {
            if (t >= s.length[r]) continue;
            const int i = s.start[r] + t;
            const int16_t *codes = (const int16_t *)(const void *)(s.screened + (size_t)r * s.screened_stride);
            // The query's rotated vector qs R q (real units) and its tile bounds.
            float rotated_query[NN_ROTATED_DIMS];
            double length2 = 0;
            for (int k = 0; k < NN_ROTATED_DIMS; k++) {
                rotated_query[k] = job->query_scales[i] * ((float)lanes[r][k] * (1.0f / (1 << NN_ROTATION_BITS)));
                length2 += (double)rotated_query[k] * rotated_query[k];
            }
            const int live = nn_x86_tile_bounds(job, rotated_query, (float)sqrt(length2), job->query_norms[i], q[r].limit, bounds, tiles);
            s.scored += nn_x86_rotated_tiles(job, &q[r], &rq[r], codes, bounds, tiles, live);
        }
        nn_streams_end(job, &s, t, q);
    }
    free(wide);
    free(bounds);
    free(tiles);
    return nn_streams_close(&s);
}
#endif

#ifdef EAGLE_HAVE_NEON_PATH
NEON_INLINE void nn_neon_update(int32x4_t acc, const float *bs, const float *bn, float32x4_t twice, int j0, float *best, int32_t *index) {
    float32x4_t v = vsubq_f32(vld1q_f32(bn), vmulq_f32(twice, vmulq_f32(vld1q_f32(bs), vcvtq_f32_s32(acc))));
    float32x4_t b = vld1q_f32(best);
    uint32x4_t less = vcltq_f32(v, b);
    static const int32_t lanes[4] = {0, 1, 2, 3};
    int32x4_t j = vaddq_s32(vdupq_n_s32(j0), vld1q_s32(lanes));
    vst1q_f32(best, vbslq_f32(less, v, b));
    vst1q_s32(index, vbslq_s32(less, j, vld1q_s32(index)));
}

NEON_FN static void nn_neon(const nn_job *job, int i0, int i1) {
    int d = job->dimension, kp16 = eagle_round_up(d, 16), groups = (d + 3) / 4, np = job->columns;
    const int8_t *w = job->packed;
    size_t tile_stride = (size_t)groups * 32;
    int8_t stack_rows[NEON_MR * 2048];
    int8_t *rows = kp16 <= 2048 ? stack_rows : malloc((size_t)NEON_MR * (size_t)kp16);
    static const int32_t zeros[8] = {0};
    int32_t acc[NEON_MR][8];
    float best[NEON_MR][8];
    int32_t index[NEON_MR][8];
    for (int i = i0; i < i1; i += NEON_MR) {
        int count = EAGLE_MIN(NEON_MR, i1 - i);
        neon_copy_rows(job->queries + (size_t)i * (size_t)d, (size_t)d, count, d, kp16, rows);
        float32x4_t twice[NEON_MR];
        for (int r = 0; r < NEON_MR; r++) {
            twice[r] = vdupq_n_f32(r < count ? 2.0f * job->query_scales[i + r] : 0.0f);
            for (int l = 0; l < 8; l++) { best[r][l] = INFINITY; index[r][l] = INT32_MAX; }
        }
        for (int c0 = 0; c0 < np; c0 += 8) {
            neon_tile_8x8(rows, kp16, groups, w + (size_t)(c0 / 8) * tile_stride, zeros, acc);
            for (int r = 0; r < count; r++) {
                nn_neon_update(vld1q_s32(acc[r]), job->bank_scales + c0, job->bank_norms + c0, twice[r], c0, best[r], index[r]);
                nn_neon_update(vld1q_s32(acc[r] + 4), job->bank_scales + c0 + 4, job->bank_norms + c0 + 4, twice[r], c0 + 4, best[r] + 4, index[r] + 4);
            }
        }
        for (int r = 0; r < count; r++) {
            float b;
            nn_merge(best[r], index[r], 8, &b, &job->indices[i + r]);
            job->distances[i + r] = nn_distance(b, job->query_norms[i + r]);
        }
    }
    if (rows != stack_rows) free(rows);
}

/// sum_k q[k] * m[j][k] over one query's codes (`row_stride` of them, a multiple of 16, zeros
/// beyond the dimension) and bank row j.
NEON_INLINE int32_t nn_neon_row_dot(const nn_job *job, const int8_t *q, int j) {
    const int8_t *m = job->rows + (size_t)j * (size_t)job->row_stride;
    int32x4_t sum = vdupq_n_s32(0);
    for (int k = 0; k < job->row_stride; k += 16) sum = vdotq_s32(sum, vld1q_s8(q + k), vld1q_s8(m + k));
    return vaddvq_s32(sum);
}

/// As nn_x86_candidates, 4 columns j0...: all ones where the bound is not above the limit.
NEON_INLINE uint32x4_t nn_neon_candidates(const nn_job *job, const nn_screen_query *q, int32x4_t acc, float32x4_t tail_length, int j0) {
    float32x4_t inner = vaddq_f32(vmulq_f32(vld1q_f32(job->bank_scales + j0), vcvtq_f32_s32(acc)),
                                  vmulq_f32(tail_length, vld1q_f32(job->tails + j0)));
    float32x4_t bound = vsubq_f32(vld1q_f32(job->bank_norms + j0), vmulq_f32(vdupq_n_f32(q->twice), inner));
    return vmvnq_u32(vcgtq_f32(bound, vdupq_n_f32(q->limit)));
}

NEON_FN static int32_t nn_neon_row_dot_call(const nn_job *job, const void *codes, int j) { return nn_neon_row_dot(job, codes, j); }

/// The per-dimension screen on NEON (see the top). The tile's 8 rows are 8 streams of consecutive
/// queries (nn_streams: each first scores the row its predecessor found nearest), 8 columns per
/// `sdot` tile. Returns the rows scored in full.
NEON_FN static long long nn_neon_screened(const nn_job *job, int i0, int i1) {
    const int ks = job->screen, kp16 = eagle_round_up(ks, 16), groups = ks / 4, np = job->columns;
    const size_t tile_stride = (size_t)groups * 32;   // bytes of one packed 8-column tile
    static const int32_t zeros[8] = {0};
    int32_t acc[NEON_MR][8];
    nn_streams s;
    nn_streams_open(job, i0, i1, NEON_MR, (size_t)kp16, &s);
    for (int t = 0; t < s.steps; t++) {
        nn_screen_query q[NEON_MR];
        float tail[NEON_MR];
        nn_streams_begin(job, &s, t, 0, nn_neon_row_dot_call, q, tail);
        float32x4_t tail_length[NEON_MR];
        for (int r = 0; r < NEON_MR; r++) tail_length[r] = vdupq_n_f32(tail[r]);
        for (int c0 = 0; c0 < np; c0 += 8) {
            neon_tile_8x8((const int8_t *)s.screened, kp16, groups, (const int8_t *)job->packed + (size_t)(c0 / 8) * tile_stride, zeros, acc);
            uint32x4_t m[NEON_MR][2], any = vdupq_n_u32(0);
            for (int r = 0; r < NEON_MR; r++) {
                m[r][0] = nn_neon_candidates(job, &q[r], vld1q_s32(acc[r]), tail_length[r], c0);
                m[r][1] = nn_neon_candidates(job, &q[r], vld1q_s32(acc[r] + 4), tail_length[r], c0 + 4);
                any = vorrq_u32(any, vorrq_u32(m[r][0], m[r][1]));
            }
            if (vmaxvq_u32(any) == 0) continue;
            for (int r = 0; r < NEON_MR; r++) {
                if (t >= s.length[r]) continue;
                uint32_t lanes[8];
                vst1q_u32(lanes, m[r][0]);
                vst1q_u32(lanes + 4, m[r][1]);
                for (int l = 0; l < 8; l++) {
                    const int j = c0 + l;
                    if (!lanes[l] || j >= job->bank_count) continue;
                    nn_offer(job, &q[r], j, nn_neon_row_dot(job, q[r].codes, j));
                    s.scored++;
                }
            }
        }
        nn_streams_end(job, &s, t, q);
    }
    return nn_streams_close(&s);
}
#endif

static void nn_task(void *context, int index) {
    const nn_job *job = context;
    int per_task = job->tiles_per_task * job->tile_rows;
    int i0 = index * per_task, i1 = EAGLE_MIN(job->query_count, i0 + per_task);
    if (i0 >= i1) return;
    long long scored = (long long)(i1 - i0) * job->bank_count;
    switch (job->isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2:
        if (job->rotated) scored = nn_avx2_rotated(job, i0, i1);
        else nn_avx2(job, i0, i1);
        break;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT:
        if (job->screen > 0) scored = nn_neon_screened(job, i0, i1);
        else nn_neon(job, i0, i1);
        break;
#endif
    default: nn_portable(job, i0, i1); break;
    }
    __atomic_fetch_add(job->scored, scored, __ATOMIC_RELAXED);
}

// MARK: packed bank

enum { NN_MAGIC = 0x3262414E };

// AVX2 and NEON screen banks of at least this many dimensions (AVX2 up to
// NN_ROTATED_MAX_DIMENSION): AVX2 with the rotated screen, NEON on a third of the dimensions
// rounded up to 8.
enum { NN_SCREEN_MIN_DIMENSION = 64 };

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

static int nn_columns(eagle_isa isa, int bank_count) {
    return isa == EAGLE_ISA_PORTABLE ? bank_count : eagle_round_up(bank_count, 8);
}

static size_t nn_bank_bytes(eagle_isa isa, int dimension, int columns) {
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: return nn_x86_columns_size(dimension, columns);
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: return neon_packed_columns_size(dimension, columns);
#endif
    default: return (size_t)dimension * (size_t)columns;
    }
}

/// The ISA the kernels can run for a request of `isa` (the portable one when this build lacks it).
static eagle_isa nn_usable(eagle_isa isa) {
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: return isa;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: return isa;
#endif
    default: return EAGLE_ISA_PORTABLE;
    }
}

static int64_t nn_section(int64_t *at, size_t bytes) {
    int64_t start = *at;
    *at += (int64_t)eagle_round_up((int)bytes, 64);
    return start;
}

static nn_header nn_layout(eagle_isa isa, int bank_count, int dimension) {
    nn_header h;
    memset(&h, 0, sizeof h);
    h.magic = NN_MAGIC;
    h.isa = (int32_t)isa;
    h.bank_count = bank_count;
    h.dimension = dimension;
    h.columns = nn_columns(isa, bank_count);
    if (isa == EAGLE_ISA_AVX2 && dimension >= NN_SCREEN_MIN_DIMENSION && dimension <= NN_ROTATED_MAX_DIMENSION) {
        h.rotated = 1;
        h.screen = NN_ROTATED_DIMS;
        h.row_stride = eagle_round_up(dimension, 32);   // the row dot's vectors
    } else if (isa == EAGLE_ISA_NEON_DOT && dimension >= NN_SCREEN_MIN_DIMENSION) {
        h.screen = eagle_round_up((dimension + 2) / 3, 8);
        h.row_stride = eagle_round_up(dimension, 16);   // the row dot's vectors
    }
    size_t words = 4 * (size_t)h.columns;   // a section of floats or int32
    int64_t at = eagle_round_up((int)sizeof h, 64);
    h.scales_offset = nn_section(&at, words);
    h.norms_offset = nn_section(&at, words);
    h.init_offset = nn_section(&at, words);
    if (h.rotated) {
        h.rows_offset = nn_section(&at, (size_t)bank_count * (size_t)h.row_stride);
        h.rotation_offset = nn_section(&at, sizeof(int16_t) * NN_ROTATED_DIMS * (size_t)eagle_round_up(dimension, 2));
        h.rotated_constants_offset = nn_section(&at, 4 * words);   // tails, norms, scales, order
        h.tiles = (bank_count + 15) / 16;
        h.tile_stride = eagle_round_up(EAGLE_MAX(h.tiles, 1), 8);
        h.centres_offset = nn_section(&at, 4 * NN_ROTATED_DIMS * (size_t)h.tile_stride);
        h.radii_offset = nn_section(&at, 4 * (size_t)h.tile_stride);
        h.reaches_offset = nn_section(&at, 4 * (size_t)h.tile_stride);
    } else if (h.screen > 0) {
        h.screen_dims_offset = nn_section(&at, 4 * (size_t)h.screen);
        h.tails_offset = nn_section(&at, words);
        h.rows_offset = nn_section(&at, (size_t)bank_count * (size_t)h.row_stride);
    }
    h.bank_offset = at;
    h.total = at + (int64_t)(h.rotated ? sizeof(int16_t) * NN_ROTATED_DIMS * (size_t)h.columns
                                        : nn_bank_bytes(isa, h.screen > 0 ? h.screen : dimension, h.columns));
    return h;
}

size_t eagle_nearest_packed_size(eagle_isa isa, int bank_count, int dimension) {
    return (size_t)nn_layout(nn_usable(isa), EAGLE_MAX(bank_count, 0), dimension).total;
}

#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)
/// The `count` dimensions where the dequantized bank varies most, most first (ties to the lower
/// dimension).
static void nn_widest_dimensions(const nn_header *h, const int8_t *bank, const float *bank_scales, int count, int32_t *dims) {
    const int n = h->bank_count, d = h->dimension;
    double *spread = calloc((size_t)d, sizeof(double));
    char *chosen = calloc((size_t)d, 1);
    if (!spread || !chosen) abort();
    for (int k = 0; k < d; k++) {
        double sum = 0, squares = 0;
        for (int j = 0; j < n; j++) {
            double x = (double)bank_scales[j] * bank[(size_t)j * (size_t)d + (size_t)k];
            sum += x;
            squares += x * x;
        }
        spread[k] = n > 0 ? squares / n - (sum / n) * (sum / n) : 0;
    }
    for (int s = 0; s < count; s++) {
        int pick = -1;
        for (int k = 0; k < d; k++)
            if (!chosen[k] && (pick < 0 || spread[k] > spread[pick])) pick = k;
        chosen[pick] = 1;
        dims[s] = pick;
    }
    free(spread);
    free(chosen);
}

/// What every screen keeps: the rows for full scoring (`row_stride` codes, zero padded) and the
/// largest |bn[j]| and bs[j] * |m[j]| for the rounding margin.
static void nn_pack_rows(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension;
    int8_t *rows = (int8_t *)(base + h->rows_offset);
    h->largest_norm = 0;
    h->largest_length = 0;
    for (int j = 0; j < n; j++) {
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int32_t all = 0;
        for (int k = 0; k < d; k++) all += (int32_t)m[k] * m[k];
        memcpy(rows + (size_t)j * (size_t)h->row_stride, m, (size_t)d);
        if (fabsf(bank_norms[j]) > h->largest_norm) h->largest_norm = fabsf(bank_norms[j]);
        float length = bank_scales[j] * sqrtf((float)all);
        if (length > h->largest_length) h->largest_length = length;
    }
}

#endif

#ifdef EAGLE_HAVE_NEON_PATH
/// The per-dimension screen's sections of a packed NEON bank: the third of the dimensions where
/// the dequantized bank varies most, their packed columns, and each row's scale times its length
/// over the other dimensions.
static void nn_pack_screen(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension, ks = h->screen;
    int32_t *dims = (int32_t *)(void *)(base + h->screen_dims_offset);
    int8_t *screened = malloc((size_t)EAGLE_MAX(n, 1) * (size_t)ks);
    if (!screened) abort();
    nn_widest_dimensions(h, bank, bank_scales, ks, dims);
    nn_pack_rows(h, base, bank, bank_scales, bank_norms);
    float *tails = (float *)(void *)(base + h->tails_offset);
    for (int j = 0; j < n; j++) {
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int32_t all = 0, part = 0;
        for (int s = 0; s < ks; s++) {
            int8_t code = m[dims[s]];
            screened[(size_t)j * (size_t)ks + (size_t)s] = code;
            part += (int32_t)code * code;
        }
        for (int k = 0; k < d; k++) all += (int32_t)m[k] * m[k];
        tails[j] = bank_scales[j] * sqrtf((float)(all - part));
    }
    neon_pack_columns(screened, ks, n, ks, h->columns, (int8_t *)(base + h->bank_offset));
    free(screened);
}
#endif

#ifdef EAGLE_HAVE_AVX2_PATH
/// Makes the `k` rows of `basis` (each of `d`) orthonormal, in order, by Gram-Schmidt done twice;
/// a row that (nearly) lies in the span of those before it is replaced by the first axis that
/// does not, so the result always has k orthonormal rows (k <= d).
static void nn_orthonormalize(double *basis, int k, int d) {
    for (int r = 0, axis = 0; r < k; r++) {
        double *x = basis + (size_t)r * (size_t)d;
        for (;;) {
            double before = 0, after = 0;
            for (int c = 0; c < d; c++) before += x[c] * x[c];
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < r; p++) {
                    const double *y = basis + (size_t)p * (size_t)d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += x[c] * y[c];
                    for (int c = 0; c < d; c++) x[c] -= dot * y[c];
                }
            for (int c = 0; c < d; c++) after += x[c] * x[c];
            if (after > 1e-12 * before && after > 0) {
                const double scale = 1 / sqrt(after);
                for (int c = 0; c < d; c++) x[c] *= scale;
                break;
            }
            memset(x, 0, sizeof(double) * (size_t)d);
            x[axis++ % d] = 1;
        }
    }
}

/// Sorts `items` rows [begin, end) of `order` by `key` (ascending, ties by row): a merge sort, so
/// the order is the same on every platform.
static void nn_sort_rows(int32_t *items, const double *key, int32_t *scratch, int count) {
    if (count < 2) return;
    const int half = count / 2;
    nn_sort_rows(items, key, scratch, half);
    nn_sort_rows(items + half, key, scratch, count - half);
    int a = 0, b = half, o = 0;
    while (a < half || b < count) {
        const int take_a = b >= count || (a < half && (key[items[a]] < key[items[b]] ||
                                                       (key[items[a]] == key[items[b]] && items[a] < items[b])));
        scratch[o++] = take_a ? items[a++] : items[b++];
    }
    memcpy(items, scratch, sizeof(int32_t) * (size_t)count);
}

/// Orders the rows order[begin, end) into tiles of 16 similar ones: split in two along the rotated
/// coordinate (A, 16 per row) that varies most among them, the first part a multiple of 16 rows,
/// each part again, down to one tile (a k-d tree's leaves, left to right). `key` (one per row) and
/// `scratch` (one per row) are working space.
static void nn_tile_order(const int64_t *rotated, int32_t *order, int begin, int end, double *key, int32_t *scratch) {
    const int count = end - begin;
    if (count <= 16) return;
    int widest = 0;
    double widest_spread = -1;
    for (int i = 0; i < NN_ROTATED_DIMS; i++) {
        double sum = 0, squares = 0;
        for (int c = begin; c < end; c++) {
            const double x = (double)rotated[(size_t)order[c] * NN_ROTATED_DIMS + (size_t)i];
            sum += x;
            squares += x * x;
        }
        const double spread = squares - sum * sum / count;
        if (spread > widest_spread) { widest_spread = spread; widest = i; }
    }
    for (int c = begin; c < end; c++) key[order[c]] = (double)rotated[(size_t)order[c] * NN_ROTATED_DIMS + (size_t)widest];
    nn_sort_rows(order + begin, key, scratch, count);
    const int middle = begin + eagle_round_up(count / 2, 16);
    nn_tile_order(rotated, order, begin, middle, key, scratch);
    nn_tile_order(rotated, order, middle, end, key, scratch);
}

/// The rotated screen's sections of a packed AVX2 bank (see the top): the rotation R, 16
/// orthonormal directions near the bank's principal ones (orthogonal iteration on the second
/// moment of the dequantized rows, from the axes where the bank varies most) in int16 with 14
/// fractional bits; g >= ||R R^T - I|| (Frobenius); per row the codes c of A = R m and the
/// constants of its side of the bound; the rows for full scoring.
static void nn_pack_rotated(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension, k = NN_ROTATED_DIMS, kp = eagle_round_up(d, 2);
    const size_t columns = (size_t)h->columns;
    double *moment = calloc((size_t)d * (size_t)d, sizeof(double));
    double *basis = calloc((size_t)k * (size_t)d, sizeof(double)), *next = calloc((size_t)k * (size_t)d, sizeof(double));
    double *row = malloc(sizeof(double) * (size_t)d);
    int16_t *fixed = malloc(sizeof(int16_t) * (size_t)k * (size_t)d);
    int16_t *codes = calloc(columns * (size_t)k, sizeof(int16_t));
    int32_t dims[NN_ROTATED_DIMS];
    if (!moment || !basis || !next || !row || !fixed || !codes) abort();
    nn_pack_rows(h, base, bank, bank_scales, bank_norms);
    nn_widest_dimensions(h, bank, bank_scales, k, dims);
    // The second moment of at most NN_ROTATION_SAMPLE rows spread over the bank: the directions
    // only need to be near the principal ones, and a large bank would otherwise cost n d^2 here.
    const int sample = EAGLE_MIN(n, NN_ROTATION_SAMPLE);
    for (int s = 0; s < sample; s++) {
        const int j = (int)((int64_t)s * n / sample);
        for (int c = 0; c < d; c++) row[c] = (double)bank_scales[j] * bank[(size_t)j * (size_t)d + (size_t)c];
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) moment[(size_t)a * (size_t)d + (size_t)b] += row[a] * row[b];
    }
    for (int a = 0; a < d; a++)
        for (int b = 0; b < a; b++) moment[(size_t)a * (size_t)d + (size_t)b] = moment[(size_t)b * (size_t)d + (size_t)a];
    for (int r = 0; r < k; r++) basis[(size_t)r * (size_t)d + (size_t)dims[r]] = 1;
    for (int iteration = 0; iteration < NN_ROTATION_ITERATIONS; iteration++) {
        for (int r = 0; r < k; r++)
            for (int a = 0; a < d; a++) {
                double sum = 0;
                for (int b = 0; b < d; b++) sum += moment[(size_t)a * (size_t)d + (size_t)b] * basis[(size_t)r * (size_t)d + (size_t)b];
                next[(size_t)r * (size_t)d + (size_t)a] = sum;
            }
        nn_orthonormalize(next, k, d);
        double *swap = basis;
        basis = next;
        next = swap;
    }
    for (size_t i = 0; i < (size_t)k * (size_t)d; i++) fixed[i] = (int16_t)lrint(basis[i] * (1 << NN_ROTATION_BITS));
    // g: products of int16 entries sum exactly in int64, so G is exact before the square root.
    double frobenius = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) {
            int64_t dot = 0;
            for (int c = 0; c < d; c++) dot += (int32_t)fixed[(size_t)a * (size_t)d + (size_t)c] * fixed[(size_t)b * (size_t)d + (size_t)c];
            double entry = ldexp((double)dot, -2 * NN_ROTATION_BITS) - (a == b);
            frobenius += entry * entry;
        }
    h->g = nn_float_up(sqrt(frobenius) * (1 + 1e-9) + 1e-12);
    // The rotation as the 6 x 16 tile's packed int16 columns: [kp / 2][16][2].
    int16_t *rotation = (int16_t *)(void *)(base + h->rotation_offset);
    for (int p = 0; p < kp / 2; p++)
        for (int i = 0; i < k; i++)
            for (int half = 0; half < 2; half++) {
                int c = 2 * p + half;
                rotation[((size_t)p * (size_t)k + (size_t)i) * 2 + (size_t)half] = c < d ? fixed[(size_t)i * (size_t)d + (size_t)c] : 0;
            }
    // A = R m of every row, exactly; one shift for the whole bank, so the code dot product has one
    // scale per query.
    int64_t *rotated = malloc(sizeof(int64_t) * (size_t)EAGLE_MAX(n, 1) * (size_t)k);
    if (!rotated) abort();
    for (int j = 0; j < n; j++)
        for (int i = 0; i < k; i++) {
            int64_t sum = 0;
            for (int c = 0; c < d; c++) sum += (int32_t)fixed[(size_t)i * (size_t)d + (size_t)c] * bank[(size_t)j * (size_t)d + (size_t)c];
            rotated[(size_t)j * (size_t)k + (size_t)i] = sum;
        }
    const int shift = nn_rotated_shift(rotated, (size_t)n * (size_t)k);
    float *tail = (float *)(void *)(base + h->rotated_constants_offset), *norms = tail + columns, *scales = norms + columns;
    int32_t *order = (int32_t *)(void *)(scales + columns);
    for (int c = 0; c < n; c++) order[c] = c;
    double *key = malloc(sizeof(double) * (size_t)EAGLE_MAX(n, 1));
    int32_t *scratch = malloc(sizeof(int32_t) * (size_t)EAGLE_MAX(n, 1));
    if (!key || !scratch) abort();
    nn_tile_order(rotated, order, 0, n, key, scratch);
    free(key);
    free(scratch);
    double largest_error = 0, largest_rotated = 0;
    for (int c = 0; c < n; c++) {
        const int j = order[c];
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int64_t all = 0;
        __int128 sq[3];
        for (int i = 0; i < d; i++) all += (int32_t)m[i] * m[i];
        nn_rotated_codes(rotated + (size_t)j * (size_t)k, shift, codes + (size_t)c * (size_t)k, sq);
        largest_error = fmax(largest_error, sqrt((double)sq[1]));
        largest_rotated = fmax(largest_rotated, sqrt((double)sq[2]));
        tail[c] = nn_rotated_tail(all, sq[2], h->g);
        norms[c] = bank_norms[j];
        scales[c] = bank_scales[j];
    }
    for (size_t c = (size_t)n; c < columns; c++) { norms[c] = INFINITY; scales[c] = 0; order[c] = 0; }
    // Each tile's centre (rounded to float: the radius is measured from the stored centre), radius
    // and reach, in real units, rounded up.
    float *centres = (float *)(void *)(base + h->centres_offset), *radii = (float *)(void *)(base + h->radii_offset);
    float *reaches = (float *)(void *)(base + h->reaches_offset);
    h->largest_reach = 0;
    for (int tile = 0; tile < h->tiles; tile++) {
        const int c0 = 16 * tile, c1 = EAGLE_MIN(n, c0 + 16);
        double centre[NN_ROTATED_DIMS] = {0}, radius = 0, reach = 0;
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < k; i++) centre[i] += (double)bank_scales[order[c]] * ldexp((double)rotated[(size_t)order[c] * (size_t)k + (size_t)i], -NN_ROTATION_BITS);
        for (int i = 0; i < k; i++) {
            centres[(size_t)i * (size_t)h->tile_stride + (size_t)tile] = (float)(centre[i] / (c1 - c0));
            centre[i] = (double)centres[(size_t)i * (size_t)h->tile_stride + (size_t)tile];
        }
        for (int c = c0; c < c1; c++) {
            double distance2 = 0, length2 = 0;
            for (int i = 0; i < k; i++) {
                const double x = (double)bank_scales[order[c]] * ldexp((double)rotated[(size_t)order[c] * (size_t)k + (size_t)i], -NN_ROTATION_BITS);
                distance2 += (x - centre[i]) * (x - centre[i]);
                length2 += x * x;
            }
            radius = fmax(radius, sqrt(distance2));
            reach = fmax(reach, sqrt(length2));
        }
        radii[tile] = nn_float_up(radius * (1 + 1e-9));
        reaches[tile] = nn_float_up(reach * (1 + 1e-9));
        h->largest_reach = fmaxf(h->largest_reach, reaches[tile]);
    }
    h->bank_weight = ldexpf(1.0f, shift - NN_ROTATION_BITS);
    h->largest_error = nn_float_up(ldexp(largest_error, -NN_ROTATION_BITS) * (1 + 1e-12));
    h->largest_rotated = nn_float_up(ldexp(largest_rotated, -NN_ROTATION_BITS) * (1 + 1e-12));
    free(rotated);
    // Padding columns: tail 0 and codes 0, so their bound is +inf (norm +inf, scale 0).
    int16_t *packed = (int16_t *)(void *)(base + h->bank_offset);
    for (size_t c0 = 0; c0 < columns; c0 += 16) {
        const size_t width = EAGLE_MIN(16, columns - c0);
        for (int p = 0; p < k / 2; p++)
            for (size_t j = 0; j < width; j++)
                for (int half = 0; half < 2; half++)
                    *packed++ = codes[(c0 + j) * (size_t)k + (size_t)(2 * p + half)];
    }
    free(moment);
    free(basis);
    free(next);
    free(row);
    free(fixed);
    free(codes);
}
#endif

void eagle_nearest_pack(eagle_isa isa, const int8_t *bank, const float *bank_scales, const float *bank_norms,
                        int bank_count, int dimension, void *packed) {
    isa = nn_usable(isa);
    bank_count = EAGLE_MAX(bank_count, 0);
    nn_header h = nn_layout(isa, bank_count, dimension);
    char *base = packed;
    memset(base, 0, (size_t)h.bank_offset);
    float *scales = (float *)(void *)(base + h.scales_offset), *norms = (float *)(void *)(base + h.norms_offset);
    if (bank_count > 0) {
        memcpy(scales, bank_scales, sizeof(float) * (size_t)bank_count);
        memcpy(norms, bank_norms, sizeof(float) * (size_t)bank_count);
    }
    for (int j = bank_count; j < h.columns; j++) { scales[j] = 0.0f; norms[j] = INFINITY; }
    void *columns = base + h.bank_offset;
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: {
        int32_t *init = (int32_t *)(void *)(base + h.init_offset);
        for (int j = 0; j < bank_count; j++) {
            int32_t sum = 0;
            for (int k = 0; k < dimension; k++) sum += bank[(size_t)j * (size_t)dimension + (size_t)k];
            init[j] = -32 * sum;
        }
        if (h.rotated) nn_pack_rotated(&h, base, bank, bank_scales, bank_norms);
        else nn_x86_pack_columns(bank, dimension, bank_count, dimension, h.columns, columns);
        break;
    }
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT:
        if (h.screen > 0) nn_pack_screen(&h, base, bank, bank_scales, bank_norms);
        else neon_pack_columns(bank, dimension, bank_count, dimension, h.columns, columns);
        break;
#endif
    default:
        if (bank_count > 0) memcpy(columns, bank, (size_t)dimension * (size_t)bank_count);
        break;
    }
    memcpy(base, &h, sizeof h);
}

long long eagle_nearest_search_packed(const void *packed, const int8_t *queries, const float *query_scales,
                                      const float *query_norms, int query_count, float *distances, int32_t *indices,
                                      int threads) {
    nn_header h;
    memcpy(&h, packed, sizeof h);
    if (h.magic != NN_MAGIC) return -1;
    if (query_count <= 0) return 0;
    const char *base = packed;
    long long scored = 0;
    nn_job job = {
        .queries = queries, .query_scales = query_scales, .query_norms = query_norms, .query_count = query_count,
        .bank_count = h.bank_count, .dimension = h.dimension, .bank = (const int8_t *)(base + h.bank_offset),
        .bank_scales = (const float *)(const void *)(base + h.scales_offset),
        .bank_norms = (const float *)(const void *)(base + h.norms_offset), .columns = h.columns,
        .init = (const int32_t *)(const void *)(base + h.init_offset),
        .packed = base + h.bank_offset, .distances = distances, .indices = indices, .isa = (eagle_isa)h.isa,
        .tile_rows = 1, .screen = h.screen, .row_stride = h.row_stride,
        .screen_dims = (const int32_t *)(const void *)(base + h.screen_dims_offset),
        .tails = (const float *)(const void *)(base + h.tails_offset), .rows = (const int8_t *)(base + h.rows_offset),
        .largest_norm = h.largest_norm, .largest_length = h.largest_length, .scored = &scored,
        .rotated = h.rotated, .rotation = (const int16_t *)(const void *)(base + h.rotation_offset),
        .rotated_tails = (const float *)(const void *)(base + h.rotated_constants_offset),
        .rotated_norms = (const float *)(const void *)(base + h.rotated_constants_offset) + h.columns,
        .rotated_scales = (const float *)(const void *)(base + h.rotated_constants_offset) + 2 * (size_t)h.columns,
        .order = (const int32_t *)(const void *)(base + h.rotated_constants_offset) + 3 * (size_t)h.columns, .g = h.g,
        .bank_weight = h.bank_weight, .largest_error = h.largest_error, .largest_rotated = h.largest_rotated,
        .tiles = h.tiles, .tile_stride = h.tile_stride, .centres = (const float *)(const void *)(base + h.centres_offset),
        .radii = (const float *)(const void *)(base + h.radii_offset), .reaches = (const float *)(const void *)(base + h.reaches_offset),
        .largest_reach = h.largest_reach,
    };
    // An empty bank: every query keeps the definition's start (+inf, index 0).
    if (h.bank_count == 0) job.isa = EAGLE_ISA_PORTABLE;
#ifdef EAGLE_HAVE_AVX2_PATH
    if (job.isa == EAGLE_ISA_AVX2) job.tile_rows = job.rotated ? X86_MR : NN_X86_MR;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    if (job.isa == EAGLE_ISA_NEON_DOT) job.tile_rows = NEON_MR;
#endif
    int tiles = (query_count + job.tile_rows - 1) / job.tile_rows;
    int tasks = threads <= 1 ? 1 : EAGLE_MIN(tiles, threads * 4);
    job.tiles_per_task = (tiles + tasks - 1) / tasks;
    tasks = (tiles + job.tiles_per_task - 1) / job.tiles_per_task;
    eagle_parallel_run(threads, tasks, nn_task, &job);
    return scored;
}
