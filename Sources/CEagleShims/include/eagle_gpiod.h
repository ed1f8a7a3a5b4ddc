// libgpiod comes in two incompatible APIs: 1.6 (v1) on Debian 12 and Ubuntu, 2.x (v2) on
// Debian 13, the board. Code above this shim asks which one it was built against and uses only
// what both offer through the functions here.
#ifndef EAGLE_GPIOD_H
#define EAGLE_GPIOD_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when built against libgpiod 1.x, 2 when built against 2.x.
int eagle_gpiod_api_major(void);
/// The library's own version string ("1.6.3", "2.2.1", ...).
const char *eagle_gpiod_version(void);

#ifdef __cplusplus
}
#endif
#endif
