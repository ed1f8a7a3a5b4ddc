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
// (NN_SCREEN_MIN_DIMENSION): the dimensions A where the bank varies most (a third of them, picked
// at pack time) give each row a lower bound on its v by Cauchy-Schwarz over the other ones, B,
//     dot <= dot_A + |q_B| |m_B|,   so   v[j] >= bn[j] - (2 * qs[i]) * bs[j] * (dot_A + |q_B| |m_B|)
// (scales are positive), and only rows whose bound, less a margin for float rounding, does not
// exceed the best v found so far are scored in full, by the definition's formula. A pruned row's
// v is then strictly above the best, so the result is the definition's, bit for bit. On bottle's
// memory bank (1639 rows of 144 dimensions) 0.7 % of the rows are scored in full for the patches
// of good parts, 1.6 % for those of defective ones. The portable path scores every row.
// Unscreened, each SIMD lane keeps its own running minimum over the bank rows it sees, in
// increasing j and with a strict `<`, so it holds the first minimum of its rows; the lanes are
// then merged by value, the lowest index among equal values: the first minimum over all rows,
// which is what the sequential definition finds. Padding columns have norm +inf and scale 0, so
// their v is +inf and never replaces a best value (which starts at +inf, as in the definition).
#include "eagle_kernels.h"
#include "pointwise_tiles.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    const int8_t *queries;
    const float *query_scales, *query_norms;
    int query_count, bank_count, dimension;
    const int8_t *bank;
    const float *bank_scales, *bank_norms;   // padded to `columns` (scale 0, norm +inf)
    int columns;
    const void *packed;                      // packed bank columns for the ISA's tile
    const int32_t *init;                     // AVX2: -32 * the column sums (padded to `columns`)
    // Screening (see the top; screen == 0: none): the screened dimensions, -32 * the column sums
    // over them (AVX2), bs[j] * |m_B[j]|, the rows (original order, `row_stride` codes, zero
    // padded) and the largest |bn[j]| and bs[j] * |m[j]| for the rounding margin.
    int screen, row_stride;
    const int32_t *screen_dims, *screen_init;
    const float *tails;
    const int8_t *rows;
    float largest_norm, largest_length;
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
    for (int k = 0; k < job->screen; k++) {
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

/// The bounds of 8 columns j0... from their dot products over the screened dimensions, compared
/// with the query's limit: all ones in the lanes whose row may beat the best (NaN included).
X86_INLINE __m256 nn_x86_candidates(const nn_job *job, const nn_screen_query *q, __m256i acc, __m256 tail_length, int j0) {
    __m256 inner = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(job->bank_scales + j0), _mm256_cvtepi32_ps(acc)),
                                 _mm256_mul_ps(tail_length, _mm256_loadu_ps(job->tails + j0)));
    __m256 bound = _mm256_sub_ps(_mm256_loadu_ps(job->bank_norms + j0), _mm256_mul_ps(_mm256_set1_ps(q->twice), inner));
    return _mm256_cmp_ps(bound, _mm256_set1_ps(q->limit), _CMP_NGT_UQ);
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
        if (j < job->bank_count) rows[count++] = j;
    }
    for (int c = 0; c < count; c++) dots[c] = nn_x86_row_dot(job, q->codes, rows[c]);
    for (int c = 0; c < count; c++) nn_offer(job, q, rows[c], dots[c]);
    return count;
}

X86_FN static int32_t nn_x86_row_dot_call(const nn_job *job, const void *codes, int j) { return nn_x86_row_dot(job, codes, j); }

/// The screened search (see the top). The tile's four rows are four streams of consecutive
/// queries, and each query first scores the row the previous query of its stream found nearest,
/// which neighbouring patches mostly share: the limit is then tight from the start (any row's v
/// would be a correct start, the best can only be lower). Returns the rows scored in full.
X86_FN static long long nn_avx2_screened(const nn_job *job, int i0, int i1) {
    const int ks = job->screen, np = job->columns;
    nn_streams s;
    nn_streams_open(job, i0, i1, NN_X86_MR, (size_t)ks, &s);
    for (int t = 0; t < s.steps; t++) {
        nn_screen_query q[NN_X86_MR];
        float tail[NN_X86_MR];
        nn_streams_begin(job, &s, t, 32, nn_x86_row_dot_call, q, tail);
        __m256 tail_length[NN_X86_MR];
        for (int r = 0; r < NN_X86_MR; r++) tail_length[r] = _mm256_set1_ps(tail[r]);
        for (int c0 = 0; c0 < np; c0 += 16) {
            const int wide = np - c0 >= 16;
            const int8_t *tile = (const int8_t *)job->packed + (size_t)c0 * (size_t)ks;
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(job->screen_init + c0));
            x86_acc acc = wide ? nn_x86_dot(s.screened, ks, tile, b0, _mm256_loadu_si256((const __m256i *)(job->screen_init + c0 + 8)), 1)
                               : nn_x86_dot(s.screened, ks, tile, b0, b0, 0);
            // Usually no lane of the 4 x 16 may win: one test for all of them.
            __m256 m[NN_X86_MR][2], any = _mm256_setzero_ps();
            for (int r = 0; r < NN_X86_MR; r++) {
                m[r][0] = nn_x86_candidates(job, &q[r], acc.v[r][0], tail_length[r], c0);
                m[r][1] = wide ? nn_x86_candidates(job, &q[r], acc.v[r][1], tail_length[r], c0 + 8) : _mm256_setzero_ps();
                any = _mm256_or_ps(any, _mm256_or_ps(m[r][0], m[r][1]));
            }
            if (_mm256_testz_ps(any, any)) continue;
            for (int r = 0; r < NN_X86_MR; r++)
                if (t < s.length[r]) s.scored += nn_x86_score_lanes(job, &q[r], m[r][0], m[r][1], c0);
        }
        nn_streams_end(job, &s, t, q);
    }
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

/// The screened search on NEON: nn_avx2_screened's method with the sdot tiles (8 streams, 8
/// columns per tile). Returns the rows scored in full.
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
        if (job->screen > 0) scored = nn_avx2_screened(job, i0, i1);
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

// AVX2 and NEON screen banks of at least this many dimensions, on a third of them rounded up to 8.
enum { NN_SCREEN_MIN_DIMENSION = 64 };

// A packed bank: this header, then the padded scales, norms and column inits (`columns` each),
// then the bank in the ISA's column layout (the rows as they are for the portable path): all of
// it for the portable and NEON paths, the screened dimensions for a screened AVX2 bank, which
// also keeps the screen's sections. Sections start on 64 bytes.
typedef struct {
    int32_t magic, isa, bank_count, dimension, columns;
    int32_t screen, row_stride, unused;
    int64_t scales_offset, norms_offset, init_offset, bank_offset, total;
    int64_t screen_dims_offset, screen_init_offset, tails_offset, rows_offset;
    float largest_norm, largest_length;
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
    if ((isa == EAGLE_ISA_AVX2 || isa == EAGLE_ISA_NEON_DOT) && dimension >= NN_SCREEN_MIN_DIMENSION) {
        h.screen = eagle_round_up((dimension + 2) / 3, 8);
        h.row_stride = eagle_round_up(dimension, isa == EAGLE_ISA_AVX2 ? 32 : 16);   // the row dots' vectors
    }
    size_t words = 4 * (size_t)h.columns;   // a section of floats or int32
    int64_t at = eagle_round_up((int)sizeof h, 64);
    h.scales_offset = nn_section(&at, words);
    h.norms_offset = nn_section(&at, words);
    h.init_offset = nn_section(&at, words);
    if (h.screen > 0) {
        h.screen_dims_offset = nn_section(&at, 4 * (size_t)h.screen);
        h.screen_init_offset = nn_section(&at, words);
        h.tails_offset = nn_section(&at, words);
        h.rows_offset = nn_section(&at, (size_t)bank_count * (size_t)h.row_stride);
    }
    h.bank_offset = at;
    h.total = at + (int64_t)nn_bank_bytes(isa, h.screen > 0 ? h.screen : dimension, h.columns);
    return h;
}

size_t eagle_nearest_packed_size(eagle_isa isa, int bank_count, int dimension) {
    return (size_t)nn_layout(nn_usable(isa), EAGLE_MAX(bank_count, 0), dimension).total;
}

#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)
/// The screen's sections of a packed AVX2 or NEON bank: the third of the dimensions where the
/// dequantized bank varies most (ties to the lower dimension), their column inits (AVX2) and
/// packed columns, the rows for full scoring, each row's scale times its length over the other
/// dimensions, and the largest norm and scaled length.
static void nn_pack_screen(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension, ks = h->screen;
    int32_t *dims = (int32_t *)(void *)(base + h->screen_dims_offset);
    double *spread = calloc((size_t)d, sizeof(double));
    char *chosen = calloc((size_t)d, 1);
    int8_t *screened = malloc((size_t)EAGLE_MAX(n, 1) * (size_t)ks);
    if (!spread || !chosen || !screened) abort();
    for (int k = 0; k < d; k++) {
        double sum = 0, squares = 0;
        for (int j = 0; j < n; j++) {
            double x = (double)bank_scales[j] * bank[(size_t)j * (size_t)d + (size_t)k];
            sum += x;
            squares += x * x;
        }
        spread[k] = n > 0 ? squares / n - (sum / n) * (sum / n) : 0;
    }
    for (int s = 0; s < ks; s++) {
        int pick = -1;
        for (int k = 0; k < d; k++)
            if (!chosen[k] && (pick < 0 || spread[k] > spread[pick])) pick = k;
        chosen[pick] = 1;
        dims[s] = pick;
    }
    int32_t *screen_init = (int32_t *)(void *)(base + h->screen_init_offset);
    float *tails = (float *)(void *)(base + h->tails_offset);
    int8_t *rows = (int8_t *)(base + h->rows_offset);
    h->largest_norm = 0;
    h->largest_length = 0;
    for (int j = 0; j < n; j++) {
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int32_t sum = 0, all = 0, part = 0;
        for (int s = 0; s < ks; s++) {
            int8_t code = m[dims[s]];
            screened[(size_t)j * (size_t)ks + (size_t)s] = code;
            sum += code;
            part += (int32_t)code * code;
        }
        for (int k = 0; k < d; k++) all += (int32_t)m[k] * m[k];
        screen_init[j] = -32 * sum;
        tails[j] = bank_scales[j] * sqrtf((float)(all - part));
        memcpy(rows + (size_t)j * (size_t)h->row_stride, m, (size_t)d);
        if (fabsf(bank_norms[j]) > h->largest_norm) h->largest_norm = fabsf(bank_norms[j]);
        float length = bank_scales[j] * sqrtf((float)all);
        if (length > h->largest_length) h->largest_length = length;
    }
    int8_t *columns = (int8_t *)(base + h->bank_offset);
    switch ((eagle_isa)h->isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: nn_x86_pack_columns(screened, ks, n, ks, h->columns, columns); break;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: neon_pack_columns(screened, ks, n, ks, h->columns, columns); break;
#endif
    default: break;   // nn_layout screens for the two above only
    }
    free(spread);
    free(chosen);
    free(screened);
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
        if (h.screen > 0) nn_pack_screen(&h, base, bank, bank_scales, bank_norms);
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
        .screen_init = (const int32_t *)(const void *)(base + h.screen_init_offset),
        .tails = (const float *)(const void *)(base + h.tails_offset), .rows = (const int8_t *)(base + h.rows_offset),
        .largest_norm = h.largest_norm, .largest_length = h.largest_length, .scored = &scored,
    };
    // An empty bank: every query keeps the definition's start (+inf, index 0).
    if (h.bank_count == 0) job.isa = EAGLE_ISA_PORTABLE;
#ifdef EAGLE_HAVE_AVX2_PATH
    if (job.isa == EAGLE_ISA_AVX2) job.tile_rows = NN_X86_MR;
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
