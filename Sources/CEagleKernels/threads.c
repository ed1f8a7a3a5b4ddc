// A small persistent worker pool for the int8 kernels: a frame makes about thirty kernel calls of
// a few hundred microseconds each, too short for a fork/join that wakes threads from sleep.
//
// The caller is a worker too. Helpers wait for work by spinning (with a pause instruction) for
// EAGLE_POOL_SPIN_NS after their last job, then block on a condition variable, so an idle
// appliance costs no CPU. One job at a time: a call made while the pool is busy (from another
// thread, or nested inside a task) runs all its tasks on the calling thread instead.
//
// Tasks are claimed from one atomic ticket that holds the job's generation, its task count and
// the next task index, so a claim is valid or not by itself: the caller waits for its tasks to be
// done, never for helpers to show up. On a board whose other core is busy decoding a frame, the
// caller simply runs every task, and a helper that wakes late finds nothing left to claim.
#include "eagle_kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define EAGLE_POOL_MAX 64
#define EAGLE_POOL_SPIN_NS 300000LL   // 0.3 ms: longer than the gap between two kernels of a frame

// ticket = generation (24 bits) | tasks (20 bits) | next task (20 bits)
#define TICKET_BITS 20
#define TICKET_MASK ((1ull << TICKET_BITS) - 1)
#define TICKET_MAX_TASKS (TICKET_MASK - 2 * EAGLE_POOL_MAX)   // room for the claims that overshoot

#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct {
    pthread_mutex_t submit;        // held by the caller of the job in progress
    pthread_mutex_t sleep_lock;    // with `wake`: helpers that spun too long block here
    pthread_cond_t wake;
    atomic_int sleepers;
    _Atomic uint64_t ticket;
    atomic_int done;               // tasks of the current job finished
    int helpers;                   // threads started so far (written under `submit`)
    // The current job, written before its ticket is published and stable until its last task is
    // done; only read by a thread holding a valid claim.
    eagle_task_fn fn;
    void *context;
} pool = {
    .submit = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static inline uint32_t ticket_generation(uint64_t t) { return (uint32_t)(t >> (2 * TICKET_BITS)); }

/// Claims and runs tasks of the published job until none is left.
static void run_tasks(void) {
    for (;;) {
        uint64_t t = atomic_fetch_add(&pool.ticket, 1);
        uint64_t task = t & TICKET_MASK, tasks = (t >> TICKET_BITS) & TICKET_MASK;
        if (task >= tasks) return;   // all claimed (or a job already finished: no fields read)
        pool.fn(pool.context, (int)task);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    }
}

static void *helper_main(void *arg) {
    (void)arg;
    uint32_t seen = 0;   // generation 0 is never a job
    for (;;) {
        // Wait for a job this helper has not seen: spin first, then sleep.
        long long deadline = now_ns() + EAGLE_POOL_SPIN_NS;
        unsigned spins = 0;
        uint32_t g;
        while ((g = ticket_generation(atomic_load_explicit(&pool.ticket, memory_order_acquire))) == seen) {
            CPU_RELAX();
            if ((++spins & 255) == 0 && now_ns() > deadline) {
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);   // seq_cst: pairs with the caller's publish
                while ((g = ticket_generation(atomic_load(&pool.ticket))) == seen)
                    pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
                break;
            }
        }
        seen = g;
        run_tasks();
    }
    return NULL;
}

typedef struct {
    eagle_task_fn fn;
    void *context;
    int tasks, per_chunk;
} chunked_job;

static void run_chunk(void *context, int index) {
    const chunked_job *job = context;
    int end = index * job->per_chunk + job->per_chunk;
    for (int t = index * job->per_chunk; t < end && t < job->tasks; t++) job->fn(job->context, t);
}

void eagle_parallel_run(int threads, int tasks, eagle_task_fn fn, void *context) {
    if (tasks <= 0) return;
    if (threads > tasks) threads = tasks;
    if (threads > EAGLE_POOL_MAX) threads = EAGLE_POOL_MAX;
    if (threads <= 1 || pthread_mutex_trylock(&pool.submit) != 0) {
        for (int t = 0; t < tasks; t++) fn(context, t);
        return;
    }
    chunked_job chunked;
    if ((uint64_t)tasks > TICKET_MAX_TASKS) {   // more tasks than the ticket counts: run them in runs
        chunked = (chunked_job){fn, context, tasks, (int)(((uint64_t)tasks + TICKET_MAX_TASKS - 1) / TICKET_MAX_TASKS)};
        fn = run_chunk;
        context = &chunked;
        tasks = (tasks + chunked.per_chunk - 1) / chunked.per_chunk;
    }
    // Start missing helpers; they wait for the next generation.
    while (pool.helpers < threads - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int ok = pthread_create(&thread, &attr, helper_main, NULL) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) break;
        pool.helpers++;
    }
    pool.fn = fn;
    pool.context = context;
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    uint32_t g = (ticket_generation(atomic_load_explicit(&pool.ticket, memory_order_relaxed)) + 1) & 0xffffff;
    if (g == 0) g = 1;
    // seq_cst: publishes the job (fields above), then the sleepers check below.
    atomic_store(&pool.ticket, ((uint64_t)g << (2 * TICKET_BITS)) | ((uint64_t)tasks << TICKET_BITS));
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    run_tasks();
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.done, memory_order_acquire) < tasks) {
        CPU_RELAX();
        // A helper that claimed a task lost its core (the board also decodes and publishes).
        if ((++spins & 1023) == 0) sched_yield();
    }
    pthread_mutex_unlock(&pool.submit);
}
