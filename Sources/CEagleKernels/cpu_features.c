#include "eagle_kernels.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

static eagle_isa detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return EAGLE_ISA_AVX2;
#elif defined(__aarch64__) && defined(__linux__)
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) return EAGLE_ISA_NEON_DOT;
#endif
    return EAGLE_ISA_PORTABLE;
}

// Written once at first use; a race writes the same value twice.
static int detected = -1;
static int forced = -1;

eagle_isa eagle_kernels_detected_isa(void) {
    if (detected < 0) detected = (int)detect();
    return (eagle_isa)detected;
}

eagle_isa eagle_kernels_isa(void) {
    return forced >= 0 ? (eagle_isa)forced : eagle_kernels_detected_isa();
}

int eagle_kernels_force_isa(eagle_isa isa) {
    if (isa != EAGLE_ISA_PORTABLE && isa != eagle_kernels_detected_isa()) return -1;
    forced = (int)isa;
    return 0;
}

const char *eagle_isa_name(eagle_isa isa) {
    switch (isa) {
    case EAGLE_ISA_AVX2: return "avx2";
    case EAGLE_ISA_NEON_DOT: return "neon-dotprod";
    default: return "portable";
    }
}
