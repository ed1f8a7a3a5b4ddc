// A small persistent worker pool for the int8 kernels: a frame makes about thirty kernel calls of
// a few hundred microseconds each, too short for a fork/join that wakes threads from sleep.
//
// The caller is worker 0 and runs tasks itself. Helpers wait for work by spinning (with a pause
// instruction) for EAGLE_POOL_SPIN_NS after their last job, then block on a condition variable,
// so an idle appliance costs no CPU. One job at a time: a call made while the pool is busy (from
// another thread, or nested inside a task) runs all its tasks on the calling thread instead.
#include "eagle_kernels.h"

#include <pthread.h>
#include <stdint.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define EAGLE_POOL_MAX 64
#define EAGLE_POOL_SPIN_NS 200000LL   // 0.2 ms: longer than the gap between two kernels of a frame

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
    atomic_uint generation;        // bumped once per job
    int helpers;                   // threads started so far (written under `submit`)
    // The job in progress (written under `submit` before `generation` is bumped).
    eagle_task_fn fn;
    void *context;
    int tasks;
    int participants;              // helpers 1...participants-1 join this job
    atomic_int next_task;
    atomic_int busy;               // helpers still inside this job
} pool = {
    .submit = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static unsigned start_generation[EAGLE_POOL_MAX];   // written before pthread_create

static void run_tasks(void) {
    for (;;) {
        int t = atomic_fetch_add_explicit(&pool.next_task, 1, memory_order_relaxed);
        if (t >= pool.tasks) return;
        pool.fn(pool.context, t);
    }
}

static void *helper_main(void *arg) {
    int index = (int)(intptr_t)arg;
    // The generation current when this helper was created: the job about to be published is the
    // next one, even if this thread starts running only after it was.
    unsigned seen = start_generation[index];
    for (;;) {
        // Wait for the next job: spin first, then sleep.
        long long deadline = now_ns() + EAGLE_POOL_SPIN_NS;
        unsigned spins = 0;
        unsigned g;
        while ((g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) {
            CPU_RELAX();
            if ((++spins & 255) == 0 && now_ns() > deadline) {
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);   // seq_cst: pairs with the bump in the caller
                while ((g = atomic_load(&pool.generation)) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
                break;
            }
        }
        seen = g;
        if (index < pool.participants) run_tasks();
        atomic_fetch_sub_explicit(&pool.busy, 1, memory_order_acq_rel);
    }
    return NULL;
}

static void run_inline(int tasks, eagle_task_fn fn, void *context) {
    for (int t = 0; t < tasks; t++) fn(context, t);
}

void eagle_parallel_run(int threads, int tasks, eagle_task_fn fn, void *context) {
    if (tasks <= 0) return;
    if (threads > tasks) threads = tasks;
    if (threads > EAGLE_POOL_MAX) threads = EAGLE_POOL_MAX;
    if (threads <= 1 || pthread_mutex_trylock(&pool.submit) != 0) {
        run_inline(tasks, fn, context);
        return;
    }
    // Start missing helpers (they begin by waiting for a generation they have not seen).
    while (pool.helpers < threads - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        start_generation[pool.helpers + 1] = atomic_load(&pool.generation);
        int ok = pthread_create(&thread, &attr, helper_main, (void *)(intptr_t)(pool.helpers + 1)) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) break;
        pool.helpers++;
    }
    if (pool.helpers == 0) {
        pthread_mutex_unlock(&pool.submit);
        run_inline(tasks, fn, context);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    pool.tasks = tasks;
    pool.participants = threads;
    atomic_store_explicit(&pool.next_task, 0, memory_order_relaxed);
    // Every helper answers every job (those beyond `participants` at once), so none can still be
    // reading the job description when the next one is written.
    atomic_store_explicit(&pool.busy, pool.helpers, memory_order_relaxed);
    atomic_fetch_add(&pool.generation, 1);   // seq_cst: publishes the job, then the sleepers check
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    run_tasks();
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.busy, memory_order_acquire) > 0) {
        CPU_RELAX();
        // A helper without a core (the board also decodes and publishes): give it ours.
        if ((++spins & 1023) == 0) sched_yield();
    }
    pthread_mutex_unlock(&pool.submit);
}
