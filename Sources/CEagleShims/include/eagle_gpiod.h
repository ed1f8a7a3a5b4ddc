// libgpiod comes in two incompatible APIs: 1.6 (v1) on Debian 12 and Ubuntu, 2.x (v2) on
// Debian 13, the board. Code above this shim asks which one it was built against and uses only
// what both offer through the functions here: one chip, one requested line at a time, values
// as logical levels (active-low applied by the library), edges on CLOCK_MONOTONIC.
//
// Every function that can fail returns -1 (or NULL) with errno set.
#ifndef EAGLE_GPIOD_H
#define EAGLE_GPIOD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when built against libgpiod 1.x, 2 when built against 2.x.
int eagle_gpiod_api_major(void);
/// The library's own version string ("1.6.3", "2.2.1", ...).
const char *eagle_gpiod_version(void);
/// 1 when the library can ask the kernel to debounce an input (v2 only).
int eagle_gpiod_has_debounce(void);

/// An open GPIO chip (a `/dev/gpiochipN` character device).
typedef struct eagle_gpio_chip eagle_gpio_chip;
/// One requested line of a chip; it keeps its chip open and must be released before it.
typedef struct eagle_gpio_line eagle_gpio_line;

/// Opens the chip at `path`; NULL with errno on failure (ENOTTY: not a GPIO chip).
eagle_gpio_chip *eagle_gpio_chip_open(const char *path);
void eagle_gpio_chip_close(eagle_gpio_chip *chip);
/// The chip's label ("pinctrl-rp1", "gpio-sim.0-node0"...) and kernel name ("gpiochip0").
const char *eagle_gpio_chip_label(eagle_gpio_chip *chip);
const char *eagle_gpio_chip_name(eagle_gpio_chip *chip);
unsigned int eagle_gpio_chip_num_lines(eagle_gpio_chip *chip);
/// The offset of the line called `name` on the chip; -1 with errno ENOENT when none is.
int eagle_gpio_chip_find_line(eagle_gpio_chip *chip, const char *name);

enum eagle_gpio_bias {
    EAGLE_GPIO_BIAS_AS_IS = 0,
    EAGLE_GPIO_BIAS_DISABLED = 1,
    EAGLE_GPIO_BIAS_PULL_UP = 2,
    EAGLE_GPIO_BIAS_PULL_DOWN = 3,
};

enum eagle_gpio_edges {
    EAGLE_GPIO_EDGES_NONE = 0,
    EAGLE_GPIO_EDGES_RISING = 1,
    EAGLE_GPIO_EDGES_FALLING = 2,
    EAGLE_GPIO_EDGES_BOTH = 3,
};

/// What the kernel says about one line, requested or not.
typedef struct eagle_gpio_line_info {
    unsigned int offset;
    /// Empty when the line has no name.
    char name[64];
    /// Empty when the line is free.
    char consumer[64];
    int is_output;
    int is_active_low;
    int is_used;
    /// An `eagle_gpio_bias`.
    int bias;
} eagle_gpio_line_info;

/// Fills `info` for the line at `offset`.
int eagle_gpio_chip_line_info(eagle_gpio_chip *chip, unsigned int offset, eagle_gpio_line_info *info);

/// How to request a line.
typedef struct eagle_gpio_request {
    unsigned int offset;
    /// Output when non-zero; else input.
    int output;
    /// An output's first logical value (0 inactive, 1 active), set as the request is made so
    /// the line never glitches.
    int initial_value;
    int active_low;
    /// An `eagle_gpio_bias`.
    int bias;
    /// An input's `eagle_gpio_edges`.
    int edges;
    /// Debounce period for an input in microseconds (0 none); ignored by v1, which has none.
    unsigned int debounce_us;
} eagle_gpio_request;

/// Requests one line of `chip` as `consumer`; NULL with errno (EBUSY: another program holds it).
eagle_gpio_line *eagle_gpio_line_request(eagle_gpio_chip *chip, const char *consumer, const eagle_gpio_request *request);
/// Releases the line (what the kernel then does with an output depends on the driver).
void eagle_gpio_line_release(eagle_gpio_line *line);
/// Logical value: 1 active, 0 inactive; -1 with errno.
int eagle_gpio_line_get_value(eagle_gpio_line *line);
int eagle_gpio_line_set_value(eagle_gpio_line *line, int value);
/// A descriptor that polls readable when edge events wait (inputs requested with edges).
int eagle_gpio_line_fd(eagle_gpio_line *line);

/// One edge on an input.
typedef struct eagle_gpio_edge {
    /// CLOCK_MONOTONIC nanoseconds (the kernel's default clock for line events since 5.7).
    uint64_t timestamp_ns;
    /// 1 for a change to active, 0 for a change to inactive (logical, after active-low).
    int rising;
    /// The line's own event count, from 1; v1 has none from the kernel and counts reads here.
    uint64_t sequence;
} eagle_gpio_edge;

/// Reads up to `capacity` waiting edges into `edges` (blocks when none waits: poll the fd first);
/// returns how many, or -1 with errno.
int eagle_gpio_line_read_edges(eagle_gpio_line *line, eagle_gpio_edge *edges, int capacity);

#ifdef __cplusplus
}
#endif
#endif
