#include "eagle_gpiod.h"

#include <gpiod.h>

// v1's header defines GPIOD_LINE_BULK_MAX_LINES; v2 removed line bulks altogether.
#ifdef GPIOD_LINE_BULK_MAX_LINES
#define EAGLE_GPIOD_V1 1
#else
#define EAGLE_GPIOD_V1 0
#endif

int eagle_gpiod_api_major(void) { return EAGLE_GPIOD_V1 ? 1 : 2; }

const char *eagle_gpiod_version(void) {
#if EAGLE_GPIOD_V1
    return gpiod_version_string();
#else
    return gpiod_api_version();
#endif
}
