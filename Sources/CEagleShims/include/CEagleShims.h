// What Swift cannot import directly from the C libraries EagleEdge uses: variadic functions,
// function-like macros, setjmp/longjmp error handling and the libgpiod v1/v2 API split.
// Each part lives in its own header, named after the library it adapts.
#ifndef CEAGLESHIMS_H
#define CEAGLESHIMS_H

#include "eagle_jpeg.h"
#include "eagle_v4l2.h"
#include "eagle_gpiod.h"
#include "eagle_sqlite.h"
#include "eagle_curl.h"

#endif
