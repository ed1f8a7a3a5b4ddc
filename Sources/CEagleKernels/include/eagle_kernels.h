// The int8 kernels of the fixed-point expert, in C for what Swift cannot express: the dot-product
// instructions (x86-64 AVX-512 VNNI vpdpbusd, AArch64 NEON sdot) through intrinsics, chosen at
// run time from what the CPU reports, with a portable C path beside them.
//
// Every function here has a plain Swift reference twin in Sources/Kernels/Int8/Reference, and a
// test that compares them bit for bit. The arithmetic they implement is defined in the doc
// comments of the Swift types in Sources/Kernels/Int8 (requantization, rounding, layouts).
//
// Floating point in these files is compiled without contraction into FMAs (see Package.swift):
// the nearest-neighbour epilogue must round the same on every CPU.
#ifndef EAGLE_KERNELS_H
#define EAGLE_KERNELS_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Which instruction set the int8 kernels use on this CPU.
typedef enum {
    EAGLE_ISA_PORTABLE = 0,   ///< plain C, auto-vectorised by the compiler
    EAGLE_ISA_AVX512_VNNI = 1,///< x86-64 with AVX-512 F/BW/VL and VNNI
    EAGLE_ISA_NEON_DOT = 2,   ///< AArch64 with the dot-product extension (sdot)
} eagle_isa;

/// The best instruction set this CPU offers (detected once).
eagle_isa eagle_kernels_detected_isa(void);
/// The instruction set the kernels use now: the detected one unless forced lower.
eagle_isa eagle_kernels_isa(void);
/// Forces the kernels to `isa` (tests run every path the CPU has); returns 0, or -1 if the CPU
/// lacks it.
int eagle_kernels_force_isa(eagle_isa isa);
/// A short name for logs and `bench` output.
const char *eagle_isa_name(eagle_isa isa);

#ifdef __cplusplus
}
#endif
#endif
