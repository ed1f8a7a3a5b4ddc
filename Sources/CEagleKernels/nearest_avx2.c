// The AVX2 searches (see nearest.c for the method): the unscreened one, u8 x s8 tiles of 4
// queries against 16 bank columns, and the rotated screen. Each function carries the avx2,fma
// target itself (X86_FN, X86_INLINE from pointwise_tiles.h), not the file: the file builds for
// any x86-64, and these run only on a bank packed for AVX2, which the caller packs only for a
// CPU that has it.
#include "nearest_internal.h"

#ifdef EAGLE_HAVE_AVX2_PATH

// MARK: unscreened

/// Folds 8 columns j0... (their dot products in `acc`) into the running minima of one query's
/// lanes, with a strict `<` so that each lane keeps the first minimum of its columns.
X86_INLINE void nn_x86_update(__m256i acc, const float *bs, const float *bn, __m256 twice, int j0, float *best, int32_t *index) {
    __m256 v = _mm256_sub_ps(_mm256_loadu_ps(bn), _mm256_mul_ps(twice, _mm256_mul_ps(_mm256_loadu_ps(bs), _mm256_cvtepi32_ps(acc))));
    __m256 b = _mm256_loadu_ps(best);
    __m256 less = _mm256_cmp_ps(v, b, _CMP_LT_OQ);
    __m256i j = _mm256_add_epi32(_mm256_set1_epi32(j0), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_storeu_ps(best, _mm256_blendv_ps(b, v, less));
    __m256i old = _mm256_loadu_si256((const __m256i *)index);
    _mm256_storeu_si256((__m256i *)index, _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(old), _mm256_castsi256_ps(j), less)));
}

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

X86_FN void eagle_nn_avx2(const nn_job *job, int i0, int i1) {
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

// MARK: the rotated screen

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

/// One query's side of the rotated screen's bound (see nearest.c), broadcast: the scale of the
/// code dot product, the tail bound, the rounding terms, 2 qs and the limit.
typedef struct { __m256 w, tail, rest, twice, limit; } nn_x86_rotated_query;

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
/// space (see nearest.c): with L = max(|qs R q - centre| - radius, 0),
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

/// Step t's queries as int16 rows of `kp` codes for the rotation's 6 x 16 tile (zeros beyond the
/// dimension, and all zeros for a finished stream's slot).
X86_INLINE void nn_x86_widen_step(const nn_job *job, const nn_streams *s, int t, int kp, int16_t *wide) {
    const int d = job->dimension;
    for (int r = 0; r < X86_MR; r++) {
        int16_t *o = wide + (size_t)r * (size_t)kp;
        memset(o, 0, sizeof(int16_t) * (size_t)kp);
        if (t >= s->length[r]) continue;
        const int8_t *codes = job->queries + (size_t)(s->start[r] + t) * (size_t)d;
        for (int k = 0; k < d; k++) o[k] = codes[k];
    }
}

/// One query's side of the rotated screen's bound from its A = R q (`lanes`): its codes c (into
/// `codes`) and the constants that nn_x86_rotated_candidates compares each column with.
X86_INLINE nn_x86_rotated_query nn_x86_rotated_side(const nn_job *job, const nn_screen_query *q, const int32_t *lanes,
                                                    int16_t *codes) {
    int64_t a[NN_ROTATED_DIMS];
    __int128 sq[3];
    for (int i = 0; i < NN_ROTATED_DIMS; i++) a[i] = lanes[i];
    const int shift = nn_rotated_shift(a, NN_ROTATED_DIMS);
    nn_rotated_codes(a, shift, codes, sq);
    // 2^t |c| |e_m| + (|e_q| + g |A_q|) |A_m|, over 2^28, with the bank's largest |e_m|, |A_m|.
    const double rest = sqrt((double)sq[0]) * nn_power2(shift - NN_ROTATION_BITS) * job->largest_error +
                        (sqrt((double)sq[1]) + (double)job->g * sqrt((double)sq[2])) * nn_power2(-NN_ROTATION_BITS) * job->largest_rotated;
    nn_x86_rotated_query rq;
    rq.w = _mm256_set1_ps((float)(job->bank_weight * nn_power2(shift - NN_ROTATION_BITS)));
    rq.tail = _mm256_set1_ps(nn_rotated_tail(q->length2, sq[2], job->g));
    rq.rest = _mm256_set1_ps(nn_float_up(rest * (1 + 1e-9)));
    rq.twice = _mm256_set1_ps(q->twice);
    rq.limit = _mm256_set1_ps(q->limit);
    return rq;
}

/// Screens query i: its rotated vector qs R q in real units (from `lanes`, its A) rules out
/// tiles, then its rotated `codes` the rows of the others. `bounds` and `tiles` are scratch of
/// tile_stride entries. Returns the rows scored in full.
X86_INLINE long long nn_x86_rotated_query_screen(const nn_job *job, int i, nn_screen_query *q, nn_x86_rotated_query *rq,
                                                 const int32_t *lanes, const int16_t *codes, float *bounds, int32_t *tiles) {
    float rotated_query[NN_ROTATED_DIMS];
    double length2 = 0;
    for (int k = 0; k < NN_ROTATED_DIMS; k++) {
        rotated_query[k] = job->query_scales[i] * ((float)lanes[k] * (1.0f / (1 << NN_ROTATION_BITS)));
        length2 += (double)rotated_query[k] * rotated_query[k];
    }
    const int live = nn_x86_tile_bounds(job, rotated_query, (float)sqrt(length2), job->query_norms[i], q->limit, bounds, tiles);
    return nn_x86_rotated_tiles(job, q, rq, codes, bounds, tiles, live);
}

/// The rotated screen (see nearest.c). The task's queries are six streams of consecutive ones
/// (nn_streams: each first scores the row its predecessor found nearest, which neighbouring
/// patches mostly share, so the limit is tight from the start); each step's six queries are
/// rotated together by the 1x1 convolution's 6 x 16 int16 tile, then screened one by one.
/// Returns the rows scored in full.
X86_FN long long eagle_nn_avx2_rotated(const nn_job *job, int i0, int i1) {
    const int kp = eagle_round_up(job->dimension, 2);
    const __m256i zero = _mm256_setzero_si256();
    int16_t *wide = malloc(sizeof(int16_t) * X86_MR * (size_t)kp);
    if (!wide) abort();
    nn_streams s;
    eagle_nn_streams_open(job, i0, i1, X86_MR, sizeof(int16_t) * NN_ROTATED_DIMS, &s);
    float *bounds = malloc(sizeof(float) * (size_t)job->tile_stride);
    int32_t *tiles = malloc(sizeof(int32_t) * (size_t)job->tile_stride);
    if (!bounds || !tiles) abort();
    for (int t = 0; t < s.steps; t++) {
        nn_screen_query q[X86_MR];
        float unused[X86_MR];
        eagle_nn_streams_begin(job, &s, t, 32, nn_x86_row_dot_call, q, unused);
        nn_x86_widen_step(job, &s, t, kp, wide);
        // A = R q in int32, exactly (|A_i| <= 31 * 2^14 * d < 2^31 for the dimensions packed).
        x86_acc rotated = x86_dot_6x16(wide, kp, job->rotation, zero, zero);
        nn_x86_rotated_query rq[X86_MR];
        int32_t lanes[X86_MR][NN_ROTATED_DIMS];
        for (int r = 0; r < X86_MR; r++) {
            _mm256_storeu_si256((__m256i *)lanes[r], rotated.v[r][0]);
            _mm256_storeu_si256((__m256i *)(lanes[r] + 8), rotated.v[r][1]);
            rq[r] = nn_x86_rotated_side(job, &q[r], lanes[r], (int16_t *)(void *)(s.screened + (size_t)r * s.screened_stride));
        }
        for (int r = 0; r < X86_MR; r++) {
            if (t >= s.length[r]) continue;
            const int16_t *codes = (const int16_t *)(const void *)(s.screened + (size_t)r * s.screened_stride);
            s.scored += nn_x86_rotated_query_screen(job, s.start[r] + t, &q[r], &rq[r], lanes[r], codes, bounds, tiles);
        }
        eagle_nn_streams_end(job, &s, t, q);
    }
    free(wide);
    free(bounds);
    free(tiles);
    return eagle_nn_streams_close(&s);
}
#endif
