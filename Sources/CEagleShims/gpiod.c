#include <gpiod.h>
#include "eagle_gpiod.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int eagle_gpiod_has_debounce(void) { return EAGLE_GPIOD_V1 ? 0 : 1; }

static void copy_text(char *to, size_t size, const char *from) {
    if (from == NULL) from = "";
    strncpy(to, from, size - 1);
    to[size - 1] = '\0';
}

// Both APIs keep the label and name; v2 only inside a chip-info object, so they are copied at open.
struct eagle_gpio_chip {
    struct gpiod_chip *chip;
    char label[64];
    char name[64];
    unsigned int num_lines;
};

struct eagle_gpio_line {
    eagle_gpio_chip *chip;
    unsigned int offset;
    uint64_t sequence;
#if EAGLE_GPIOD_V1
    struct gpiod_line *line;
#else
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *buffer;
#endif
};

eagle_gpio_chip *eagle_gpio_chip_open(const char *path) {
    eagle_gpio_chip *result = calloc(1, sizeof *result);
    if (result == NULL) return NULL;
    result->chip = gpiod_chip_open(path);
    if (result->chip == NULL) {
        int saved = errno;
        free(result);
        errno = saved;
        return NULL;
    }
#if EAGLE_GPIOD_V1
    copy_text(result->label, sizeof result->label, gpiod_chip_label(result->chip));
    copy_text(result->name, sizeof result->name, gpiod_chip_name(result->chip));
    result->num_lines = gpiod_chip_num_lines(result->chip);
#else
    struct gpiod_chip_info *info = gpiod_chip_get_info(result->chip);
    if (info == NULL) {
        int saved = errno;
        gpiod_chip_close(result->chip);
        free(result);
        errno = saved;
        return NULL;
    }
    copy_text(result->label, sizeof result->label, gpiod_chip_info_get_label(info));
    copy_text(result->name, sizeof result->name, gpiod_chip_info_get_name(info));
    result->num_lines = (unsigned int)gpiod_chip_info_get_num_lines(info);
    gpiod_chip_info_free(info);
#endif
    return result;
}

void eagle_gpio_chip_close(eagle_gpio_chip *chip) {
    if (chip == NULL) return;
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *eagle_gpio_chip_label(eagle_gpio_chip *chip) { return chip->label; }
const char *eagle_gpio_chip_name(eagle_gpio_chip *chip) { return chip->name; }
unsigned int eagle_gpio_chip_num_lines(eagle_gpio_chip *chip) { return chip->num_lines; }

int eagle_gpio_chip_find_line(eagle_gpio_chip *chip, const char *name) {
#if EAGLE_GPIOD_V1
    struct gpiod_line *line = gpiod_chip_find_line(chip->chip, name);
    if (line == NULL) {
        if (errno == 0) errno = ENOENT;
        return -1;
    }
    return (int)gpiod_line_offset(line);
#else
    return gpiod_chip_get_line_offset_from_name(chip->chip, name);
#endif
}

int eagle_gpio_chip_line_info(eagle_gpio_chip *chip, unsigned int offset, eagle_gpio_line_info *info) {
    memset(info, 0, sizeof *info);
    info->offset = offset;
#if EAGLE_GPIOD_V1
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (line == NULL) return -1;
    if (gpiod_line_update(line) < 0) return -1;
    copy_text(info->name, sizeof info->name, gpiod_line_name(line));
    copy_text(info->consumer, sizeof info->consumer, gpiod_line_consumer(line));
    info->is_output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    info->is_active_low = gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
    info->is_used = gpiod_line_is_used(line);
    switch (gpiod_line_bias(line)) {
    case GPIOD_LINE_BIAS_DISABLE: info->bias = EAGLE_GPIO_BIAS_DISABLED; break;
    case GPIOD_LINE_BIAS_PULL_UP: info->bias = EAGLE_GPIO_BIAS_PULL_UP; break;
    case GPIOD_LINE_BIAS_PULL_DOWN: info->bias = EAGLE_GPIO_BIAS_PULL_DOWN; break;
    default: info->bias = EAGLE_GPIO_BIAS_AS_IS; break;
    }
#else
    struct gpiod_line_info *line = gpiod_chip_get_line_info(chip->chip, offset);
    if (line == NULL) return -1;
    copy_text(info->name, sizeof info->name, gpiod_line_info_get_name(line));
    copy_text(info->consumer, sizeof info->consumer, gpiod_line_info_get_consumer(line));
    info->is_output = gpiod_line_info_get_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    info->is_active_low = gpiod_line_info_is_active_low(line);
    info->is_used = gpiod_line_info_is_used(line);
    switch (gpiod_line_info_get_bias(line)) {
    case GPIOD_LINE_BIAS_DISABLED: info->bias = EAGLE_GPIO_BIAS_DISABLED; break;
    case GPIOD_LINE_BIAS_PULL_UP: info->bias = EAGLE_GPIO_BIAS_PULL_UP; break;
    case GPIOD_LINE_BIAS_PULL_DOWN: info->bias = EAGLE_GPIO_BIAS_PULL_DOWN; break;
    default: info->bias = EAGLE_GPIO_BIAS_AS_IS; break;
    }
    gpiod_line_info_free(line);
#endif
    return 0;
}

#if EAGLE_GPIOD_V1
static int v1_flags(const eagle_gpio_request *request) {
    int flags = request->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (request->bias) {
    case EAGLE_GPIO_BIAS_DISABLED: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case EAGLE_GPIO_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case EAGLE_GPIO_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: break;
    }
    return flags;
}

static int v1_request_type(const eagle_gpio_request *request) {
    if (request->output) return GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    switch (request->edges) {
    case EAGLE_GPIO_EDGES_RISING: return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    case EAGLE_GPIO_EDGES_FALLING: return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
    case EAGLE_GPIO_EDGES_BOTH: return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
    default: return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    }
}
#else
static int v2_settings(struct gpiod_line_settings *settings, const eagle_gpio_request *request) {
    if (gpiod_line_settings_set_direction(settings, request->output ? GPIOD_LINE_DIRECTION_OUTPUT
                                                                    : GPIOD_LINE_DIRECTION_INPUT) < 0) return -1;
    gpiod_line_settings_set_active_low(settings, request->active_low != 0);
    enum gpiod_line_bias bias = GPIOD_LINE_BIAS_AS_IS;
    switch (request->bias) {
    case EAGLE_GPIO_BIAS_DISABLED: bias = GPIOD_LINE_BIAS_DISABLED; break;
    case EAGLE_GPIO_BIAS_PULL_UP: bias = GPIOD_LINE_BIAS_PULL_UP; break;
    case EAGLE_GPIO_BIAS_PULL_DOWN: bias = GPIOD_LINE_BIAS_PULL_DOWN; break;
    default: break;
    }
    if (gpiod_line_settings_set_bias(settings, bias) < 0) return -1;
    if (request->output) {
        return gpiod_line_settings_set_output_value(settings, request->initial_value ? GPIOD_LINE_VALUE_ACTIVE
                                                                                     : GPIOD_LINE_VALUE_INACTIVE);
    }
    enum gpiod_line_edge edge = GPIOD_LINE_EDGE_NONE;
    switch (request->edges) {
    case EAGLE_GPIO_EDGES_RISING: edge = GPIOD_LINE_EDGE_RISING; break;
    case EAGLE_GPIO_EDGES_FALLING: edge = GPIOD_LINE_EDGE_FALLING; break;
    case EAGLE_GPIO_EDGES_BOTH: edge = GPIOD_LINE_EDGE_BOTH; break;
    default: break;
    }
    if (gpiod_line_settings_set_edge_detection(settings, edge) < 0) return -1;
    if (edge != GPIOD_LINE_EDGE_NONE) {
        gpiod_line_settings_set_debounce_period_us(settings, request->debounce_us);
        // V4L2 buffers are stamped on CLOCK_MONOTONIC: one time base for frames and edges.
        if (gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC) < 0) return -1;
    }
    return 0;
}
#endif

eagle_gpio_line *eagle_gpio_line_request(eagle_gpio_chip *chip, const char *consumer, const eagle_gpio_request *request) {
    if (request->offset >= chip->num_lines) {
        errno = EINVAL;
        return NULL;
    }
    eagle_gpio_line *result = calloc(1, sizeof *result);
    if (result == NULL) return NULL;
    result->chip = chip;
    result->offset = request->offset;
    int saved = 0;
#if EAGLE_GPIOD_V1
    result->line = gpiod_chip_get_line(chip->chip, request->offset);
    if (result->line == NULL) goto fail;
    struct gpiod_line_request_config config = {
        .consumer = consumer, .request_type = v1_request_type(request), .flags = v1_flags(request),
    };
    if (gpiod_line_request(result->line, &config, request->initial_value ? 1 : 0) < 0) goto fail;
    return result;
fail:
    saved = errno;
    free(result);
    errno = saved;
    return NULL;
#else
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    struct gpiod_line_config *line_config = gpiod_line_config_new();
    struct gpiod_request_config *request_config = gpiod_request_config_new();
    if (settings == NULL || line_config == NULL || request_config == NULL) goto done;
    if (v2_settings(settings, request) < 0) goto done;
    unsigned int offset = request->offset;
    if (gpiod_line_config_add_line_settings(line_config, &offset, 1, settings) < 0) goto done;
    gpiod_request_config_set_consumer(request_config, consumer);
    result->request = gpiod_chip_request_lines(chip->chip, request_config, line_config);
    if (result->request != NULL && !request->output && request->edges != EAGLE_GPIO_EDGES_NONE) {
        result->buffer = gpiod_edge_event_buffer_new(64);
        if (result->buffer == NULL) {
            saved = errno;
            gpiod_line_request_release(result->request);
            result->request = NULL;
            errno = saved;
        }
    }
done:
    saved = errno;
    gpiod_request_config_free(request_config);
    gpiod_line_config_free(line_config);
    gpiod_line_settings_free(settings);
    if (result->request == NULL) {
        free(result);
        errno = saved ? saved : ENOMEM;
        return NULL;
    }
    return result;
#endif
}

void eagle_gpio_line_release(eagle_gpio_line *line) {
    if (line == NULL) return;
#if EAGLE_GPIOD_V1
    gpiod_line_release(line->line);
#else
    gpiod_edge_event_buffer_free(line->buffer);
    gpiod_line_request_release(line->request);
#endif
    free(line);
}

int eagle_gpio_line_get_value(eagle_gpio_line *line) {
#if EAGLE_GPIOD_V1
    return gpiod_line_get_value(line->line);
#else
    enum gpiod_line_value value = gpiod_line_request_get_value(line->request, line->offset);
    if (value == GPIOD_LINE_VALUE_ERROR) return -1;
    return value == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0;
#endif
}

int eagle_gpio_line_set_value(eagle_gpio_line *line, int value) {
#if EAGLE_GPIOD_V1
    return gpiod_line_set_value(line->line, value ? 1 : 0);
#else
    return gpiod_line_request_set_value(line->request, line->offset,
                                        value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
#endif
}

int eagle_gpio_line_fd(eagle_gpio_line *line) {
#if EAGLE_GPIOD_V1
    return gpiod_line_event_get_fd(line->line);
#else
    return gpiod_line_request_get_fd(line->request);
#endif
}

int eagle_gpio_line_read_edges(eagle_gpio_line *line, eagle_gpio_edge *edges, int capacity) {
    if (capacity <= 0) return 0;
#if EAGLE_GPIOD_V1
    struct gpiod_line_event events[16];
    int wanted = capacity < 16 ? capacity : 16;
    int count = gpiod_line_event_read_multiple(line->line, events, (unsigned int)wanted);
    if (count < 0) return -1;
    for (int i = 0; i < count; i++) {
        edges[i].timestamp_ns = (uint64_t)events[i].ts.tv_sec * 1000000000ull + (uint64_t)events[i].ts.tv_nsec;
        edges[i].rising = events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
        edges[i].sequence = ++line->sequence;
    }
    return count;
#else
    size_t wanted = (size_t)capacity < gpiod_edge_event_buffer_get_capacity(line->buffer)
        ? (size_t)capacity : gpiod_edge_event_buffer_get_capacity(line->buffer);
    int count = gpiod_line_request_read_edge_events(line->request, line->buffer, wanted);
    if (count < 0) return -1;
    for (int i = 0; i < count; i++) {
        struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(line->buffer, (unsigned long)i);
        edges[i].timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
        edges[i].rising = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
        edges[i].sequence = gpiod_edge_event_get_line_seqno(event);
    }
    line->sequence += (uint64_t)count;
    return count;
#endif
}
