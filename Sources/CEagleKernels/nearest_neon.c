// The NEON searches on AArch64 with the dot-product extension (see nearest.c for the method):
// the unscreened one, the sdot tiles of pointwise_tiles.h on the codes as they are, and the
// per-dimension screen. Each function carries the dotprod target itself (NEON_FN, NEON_INLINE),
// not the file: the file builds for any AArch64, and these run only on a bank packed for NEON,
// which the caller packs only for a CPU that has the extension.
#include "nearest_internal.h"

#ifdef EAGLE_HAVE_NEON_PATH

// MARK: unscreened

/// Folds 4 columns j0... (their dot products in `acc`) into the running minima of one query's
/// lanes, with a strict `<` so that each lane keeps the first minimum of its columns.
NEON_INLINE void nn_neon_update(int32x4_t acc, const float *bs, const float *bn, float32x4_t twice, int j0, float *best, int32_t *index) {
    float32x4_t v = vsubq_f32(vld1q_f32(bn), vmulq_f32(twice, vmulq_f32(vld1q_f32(bs), vcvtq_f32_s32(acc))));
    float32x4_t b = vld1q_f32(best);
    uint32x4_t less = vcltq_f32(v, b);
    static const int32_t lanes[4] = {0, 1, 2, 3};
    int32x4_t j = vaddq_s32(vdupq_n_s32(j0), vld1q_s32(lanes));
    vst1q_f32(best, vbslq_f32(less, v, b));
    vst1q_s32(index, vbslq_s32(less, j, vld1q_s32(index)));
}

NEON_FN void eagle_nn_neon(const nn_job *job, int i0, int i1) {
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

// MARK: the per-dimension screen

/// sum_k q[k] * m[j][k] over one query's codes (`row_stride` of them, a multiple of 16, zeros
/// beyond the dimension) and bank row j.
NEON_INLINE int32_t nn_neon_row_dot(const nn_job *job, const int8_t *q, int j) {
    const int8_t *m = job->rows + (size_t)j * (size_t)job->row_stride;
    int32x4_t sum = vdupq_n_s32(0);
    for (int k = 0; k < job->row_stride; k += 16) sum = vdotq_s32(sum, vld1q_s8(q + k), vld1q_s8(m + k));
    return vaddvq_s32(sum);
}

/// The per-dimension bound of 4 columns j0... (see nearest.c), compared with the query's limit:
/// all ones in the lanes whose row may beat the best (NaN included).
NEON_INLINE uint32x4_t nn_neon_candidates(const nn_job *job, const nn_screen_query *q, int32x4_t acc, float32x4_t tail_length, int j0) {
    float32x4_t inner = vaddq_f32(vmulq_f32(vld1q_f32(job->bank_scales + j0), vcvtq_f32_s32(acc)),
                                  vmulq_f32(tail_length, vld1q_f32(job->tails + j0)));
    float32x4_t bound = vsubq_f32(vld1q_f32(job->bank_norms + j0), vmulq_f32(vdupq_n_f32(q->twice), inner));
    return vmvnq_u32(vcgtq_f32(bound, vdupq_n_f32(q->limit)));
}

NEON_FN static int32_t nn_neon_row_dot_call(const nn_job *job, const void *codes, int j) { return nn_neon_row_dot(job, codes, j); }

/// The per-dimension screen on NEON (see nearest.c). The tile's 8 rows are 8 streams of
/// consecutive queries (nn_streams: each first scores the row its predecessor found nearest),
/// 8 columns per `sdot` tile. Returns the rows scored in full.
NEON_FN long long eagle_nn_neon_screened(const nn_job *job, int i0, int i1) {
    const int ks = job->screen, kp16 = eagle_round_up(ks, 16), groups = ks / 4, np = job->columns;
    const size_t tile_stride = (size_t)groups * 32;   // bytes of one packed 8-column tile
    static const int32_t zeros[8] = {0};
    int32_t acc[NEON_MR][8];
    nn_streams s;
    eagle_nn_streams_open(job, i0, i1, NEON_MR, (size_t)kp16, &s);
    for (int t = 0; t < s.steps; t++) {
        nn_screen_query q[NEON_MR];
        float tail[NEON_MR];
        eagle_nn_streams_begin(job, &s, t, 0, nn_neon_row_dot_call, q, tail);
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
        eagle_nn_streams_end(job, &s, t, q);
    }
    return eagle_nn_streams_close(&s);
}
#endif
