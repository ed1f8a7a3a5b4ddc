// A command-line harness over the C shim (Sources/CEagleShims/gpiod.c), built by build.sh against
// libgpiod v2 so that the shim's v2 path runs against a real kernel driver (gpio-sim in the
// virtual board), where the appliance itself runs v1. It finds the chip by label as Actuate does
// (every /dev/gpiochip*), and a line by name or offset.
//
//   eagle-gpiod-v2 api                                   api <major> <version>
//   eagle-gpiod-v2 info LABEL                            api, chip, then one "line" row per line
//   eagle-gpiod-v2 set LABEL LINE VALUE HOLD_MS [active-low]
//       requests LINE as an output at logical VALUE, prints "holding", holds it for HOLD_MS or
//       until stdin has input or ends, releases it and prints "released"
//   eagle-gpiod-v2 watch LABEL LINE COUNT TIMEOUT_MS     requests LINE as an input with both
//       edges, prints "watching", then "edge <seq> rising|falling <CLOCK_MONOTONIC ns>" for each
//       edge until COUNT came (exit 0) or TIMEOUT_MS passed (exit 3)
//
// Errors go to stderr with exit status 1 (2 for wrong usage).
#include "eagle_gpiod.h"

#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int usage(void) {
    fprintf(stderr, "usage: eagle-gpiod-v2 api | info LABEL | set LABEL LINE VALUE HOLD_MS [active-low] |"
                    " watch LABEL LINE COUNT TIMEOUT_MS\n");
    return 2;
}

static void print_api(void) {
    printf("api %d %s\n", eagle_gpiod_api_major(), eagle_gpiod_version());
}

static eagle_gpio_chip *open_by_label(const char *label) {
    glob_t found;
    if (glob("/dev/gpiochip*", 0, NULL, &found) != 0) {
        fprintf(stderr, "no /dev/gpiochip* at all\n");
        return NULL;
    }
    eagle_gpio_chip *result = NULL;
    for (size_t i = 0; i < found.gl_pathc && result == NULL; i++) {
        eagle_gpio_chip *chip = eagle_gpio_chip_open(found.gl_pathv[i]);
        if (chip == NULL) continue;
        if (strcmp(eagle_gpio_chip_label(chip), label) == 0) result = chip;
        else eagle_gpio_chip_close(chip);
    }
    globfree(&found);
    if (result == NULL) fprintf(stderr, "no GPIO chip labelled '%s'\n", label);
    return result;
}

static int parse_uint(const char *text, unsigned long *value) {
    char *end = NULL;
    errno = 0;
    *value = strtoul(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' ? 0 : -1;
}

/// The offset of LINE (a name, or a number), or -1 after a message.
static int line_offset(eagle_gpio_chip *chip, const char *line) {
    unsigned long offset;
    if (parse_uint(line, &offset) == 0) return (int)offset;
    int found = eagle_gpio_chip_find_line(chip, line);
    if (found < 0) fprintf(stderr, "no line '%s' on %s: %s\n", line, eagle_gpio_chip_name(chip), strerror(errno));
    return found;
}

static const char *bias_name(int bias) {
    switch (bias) {
    case EAGLE_GPIO_BIAS_DISABLED: return "disabled";
    case EAGLE_GPIO_BIAS_PULL_UP: return "pull-up";
    case EAGLE_GPIO_BIAS_PULL_DOWN: return "pull-down";
    default: return "as-is";
    }
}

static int info(eagle_gpio_chip *chip) {
    print_api();
    printf("chip %s %s %u\n", eagle_gpio_chip_name(chip), eagle_gpio_chip_label(chip), eagle_gpio_chip_num_lines(chip));
    for (unsigned int offset = 0; offset < eagle_gpio_chip_num_lines(chip); offset++) {
        eagle_gpio_line_info line;
        if (eagle_gpio_chip_line_info(chip, offset, &line) < 0) {
            fprintf(stderr, "line %u: %s\n", offset, strerror(errno));
            return 1;
        }
        printf("line %u %s %s %s %s %s\n", line.offset, line.name[0] ? line.name : "-",
               line.is_output ? "output" : "input", line.is_active_low ? "active-low" : "active-high",
               bias_name(line.bias), line.is_used ? line.consumer : "-");
    }
    return 0;
}

static int set(eagle_gpio_chip *chip, int offset, int value, int hold_ms, int active_low) {
    eagle_gpio_request request = {
        .offset = (unsigned int)offset, .output = 1, .initial_value = value, .active_low = active_low,
    };
    eagle_gpio_line *line = eagle_gpio_line_request(chip, "eagle-gpiod-v2", &request);
    if (line == NULL) {
        fprintf(stderr, "requesting line %d: %s\n", offset, strerror(errno));
        return 1;
    }
    int read_back = eagle_gpio_line_get_value(line);
    printf("holding %d %d\n", offset, read_back);
    fflush(stdout);
    struct pollfd in = {.fd = 0, .events = POLLIN};
    poll(&in, 1, hold_ms);
    eagle_gpio_line_release(line);
    printf("released %d\n", offset);
    return read_back == value ? 0 : 1;
}

static int watch(eagle_gpio_chip *chip, int offset, int count, int timeout_ms) {
    eagle_gpio_request request = {
        .offset = (unsigned int)offset, .output = 0, .edges = EAGLE_GPIO_EDGES_BOTH,
    };
    eagle_gpio_line *line = eagle_gpio_line_request(chip, "eagle-gpiod-v2", &request);
    if (line == NULL) {
        fprintf(stderr, "requesting line %d: %s\n", offset, strerror(errno));
        return 1;
    }
    printf("watching %d %d\n", offset, eagle_gpio_line_get_value(line));
    fflush(stdout);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long deadline = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 + timeout_ms;
    int seen = 0, status = 3;
    while (seen < count) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = deadline - ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
        if (left <= 0) break;
        struct pollfd events = {.fd = eagle_gpio_line_fd(line), .events = POLLIN};
        int ready = poll(&events, 1, (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            fprintf(stderr, "poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (ready == 0) break;
        eagle_gpio_edge edges[16];
        int read = eagle_gpio_line_read_edges(line, edges, 16);
        if (read < 0) {
            fprintf(stderr, "reading edges: %s\n", strerror(errno));
            status = 1;
            break;
        }
        for (int i = 0; i < read; i++) {
            printf("edge %llu %s %llu\n", (unsigned long long)edges[i].sequence,
                   edges[i].rising ? "rising" : "falling", (unsigned long long)edges[i].timestamp_ns);
        }
        fflush(stdout);
        seen += read;
    }
    if (seen >= count) status = 0;
    eagle_gpio_line_release(line);
    return status;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "api") == 0) {
        print_api();
        return 0;
    }
    if (argc < 3) return usage();
    const char *command = argv[1];
    int wanted = strcmp(command, "info") == 0 ? 3 : strcmp(command, "set") == 0 ? 6 : strcmp(command, "watch") == 0 ? 6 : -1;
    int active_low = 0;
    if (wanted == 6 && strcmp(command, "set") == 0 && argc == 7) {
        if (strcmp(argv[6], "active-low") != 0) return usage();
        active_low = 1;
        argc--;
    }
    if (argc != wanted) return usage();
    unsigned long numbers[2] = {0, 0};
    for (int i = 0; i < 2 && wanted == 6; i++) {
        if (parse_uint(argv[4 + i], &numbers[i]) < 0) return usage();
    }
    eagle_gpio_chip *chip = open_by_label(argv[2]);
    if (chip == NULL) return 1;
    int status;
    if (wanted == 3) {
        status = info(chip);
    } else {
        int offset = line_offset(chip, argv[3]);
        if (offset < 0) status = 1;
        else if (command[0] == 's') status = set(chip, offset, numbers[0] != 0, (int)numbers[1], active_low);
        else status = watch(chip, offset, (int)numbers[0], (int)numbers[1]);
    }
    fflush(stdout);
    eagle_gpio_chip_close(chip);
    return status;
}
