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
//
// The files: nearest_pack.c lays out and packs the bank (nearest_rotation.c the rotated screen's
// sections), nearest_avx2.c and nearest_neon.c search it, nearest_screen.c holds the query streams
// the two screened searches share; this file dispatches the search and holds the portable path.
#include "nearest_internal.h"

/// The portable path: the definition as it reads, every row scored.
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

/// Task `index`: its share of the queries (whole tiles of tile_rows) on the bank's ISA; adds the
/// rows it scored in full to the job's count.
static void nn_task(void *context, int index) {
    const nn_job *job = context;
    int per_task = job->tiles_per_task * job->tile_rows;
    int i0 = index * per_task, i1 = EAGLE_MIN(job->query_count, i0 + per_task);
    if (i0 >= i1) return;
    long long scored = (long long)(i1 - i0) * job->bank_count;
    switch (job->isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2:
        if (job->rotated) scored = eagle_nn_avx2_rotated(job, i0, i1);
        else eagle_nn_avx2(job, i0, i1);
        break;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT:
        if (job->screen > 0) scored = eagle_nn_neon_screened(job, i0, i1);
        else eagle_nn_neon(job, i0, i1);
        break;
#endif
    default: nn_portable(job, i0, i1); break;
    }
    __atomic_fetch_add(job->scored, scored, __ATOMIC_RELAXED);
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
