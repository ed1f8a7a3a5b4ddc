// The int8 search's re-rank (MemoryBank.nearest in Swift): the Euclidean distance from each float
// query row to the float bank row the search chose for it,
//
//     lanes[j] = sum over blocks b of t * t, t = q[8b + j] - m[8b + j]     (Float, block order)
//     sum      = ((lanes[0] + lanes[1]) + ...) + lanes[7], then + t * t for the tail dimensions
//     distance = sqrt(sum)
//
// in this order and without FMA (the target is built with -ffp-contract=off): the arithmetic of
// the Swift twin (MemoryBank.floatDistancesReference, SIMD8 lanes summed in order), so the bits
// are the same on every path. Eight running sums, not one: one long chain of dependent additions
// was the cost. In C to share the rows over the kernels' pool: each winner's bank row is a fresh
// cache miss (the float bank is about 1 MB), which one thread waited on alone.
#include "eagle_kernels.h"
#include "pointwise_tiles.h"
#include "requantize.h"

#include <math.h>

typedef struct {
    const float *queries, *bank;
    const int32_t *rows;
    float *distances;
    int dimension, count, per_task;
    int simd;
} rr_job;

EAGLE_INLINE float rr_finish(const float lanes[8], const float *q, const float *m, int from, int dimension) {
    float sum = lanes[0];
    for (int j = 1; j < 8; j++) sum += lanes[j];
    for (int k = from; k < dimension; k++) {
        const float t = q[k] - m[k];
        sum += t * t;
    }
    return sqrtf(sum);
}

EAGLE_INLINE float rr_distance(const float *q, const float *m, int dimension) {
    float lanes[8] = {0};
    const int blocks = dimension / 8;
    for (int b = 0; b < blocks; b++)
        for (int j = 0; j < 8; j++) {
            const float t = q[8 * b + j] - m[8 * b + j];
            lanes[j] += t * t;
        }
    return rr_finish(lanes, q, m, 8 * blocks, dimension);
}

#if defined(__x86_64__)
EAGLE_AVX2 static float rr_distance_avx2(const float *q, const float *m, int dimension) {
    __m256 lanes = _mm256_setzero_ps();
    const int blocks = dimension / 8;
    for (int b = 0; b < blocks; b++) {
        const __m256 t = _mm256_sub_ps(_mm256_loadu_ps(q + 8 * b), _mm256_loadu_ps(m + 8 * b));
        lanes = _mm256_add_ps(lanes, _mm256_mul_ps(t, t));
    }
    float out[8];
    _mm256_storeu_ps(out, lanes);
    return rr_finish(out, q, m, 8 * blocks, dimension);
}
#endif

static void rr_task(void *context, int index) {
    const rr_job *job = context;
    const int begin = index * job->per_task, end = EAGLE_MIN(job->count, begin + job->per_task);
    const size_t d = (size_t)job->dimension;
    for (int i = begin; i < end; i++) {
        const float *q = job->queries + (size_t)i * d, *m = job->bank + (size_t)job->rows[i] * d;
#if defined(__x86_64__)
        if (job->simd) {
            job->distances[i] = rr_distance_avx2(q, m, job->dimension);
            continue;
        }
#endif
        job->distances[i] = rr_distance(q, m, job->dimension);
    }
}

void eagle_rerank_distances(const float *queries, const float *bank, int dimension, const int32_t *rows, int count,
                            float *distances, int threads) {
    if (count <= 0) return;
    rr_job job = {queries, bank, rows, distances, dimension, count, count, eagle_simd_enabled()};
    // About 32 k values per task at least: fewer are not worth a helper's time.
    int tasks = threads <= 1 ? 1 : EAGLE_MIN(threads * 4, EAGLE_MAX(1, (int)((long long)count * dimension / 32768)));
    job.per_task = (count + tasks - 1) / tasks;
    tasks = (count + job.per_task - 1) / job.per_task;
    eagle_parallel_run(threads, tasks, rr_task, &job);
}
