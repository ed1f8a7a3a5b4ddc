// The query streams that the AVX2 and NEON screened searches share (see nearest.c for the
// screens): each query starts from the row its predecessor in the stream found nearest, which
// neighbouring patches mostly share, so its limit is tight before the screen begins.
#include "nearest_internal.h"

#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)

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

void eagle_nn_streams_open(const nn_job *job, int i0, int i1, int count, size_t screened_stride, nn_streams *s) {
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

void eagle_nn_streams_begin(const nn_job *job, nn_streams *s, int t, int offset, nn_row_dot_function row_dot,
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

void eagle_nn_streams_end(const nn_job *job, nn_streams *s, int t, const nn_screen_query *q) {
    for (int r = 0; r < s->count; r++) {
        if (t >= s->length[r]) continue;
        const int i = s->start[r] + t;
        job->indices[i] = q[r].index;
        job->distances[i] = nn_distance(q[r].best, job->query_norms[i]);
        s->hint[r] = q[r].index;
    }
}

long long eagle_nn_streams_close(nn_streams *s) {
    free(s->screened);
    free(s->full);
    return s->scored;
}
#endif
