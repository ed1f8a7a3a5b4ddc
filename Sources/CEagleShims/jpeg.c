#include "eagle_jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// libjpeg's error manager extended with a jump target. error_exit longjmps here instead of
// calling exit(); warnings are counted so strict callers can reject corrupt frames.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int warnings;
    char first_warning[JMSG_LENGTH_MAX];
} trap_error_mgr;

static void trap_error_exit(j_common_ptr cinfo) {
    trap_error_mgr *mgr = (trap_error_mgr *)cinfo->err;
    longjmp(mgr->jump, 1);
}

static void trap_emit_message(j_common_ptr cinfo, int msg_level) {
    trap_error_mgr *mgr = (trap_error_mgr *)cinfo->err;
    if (msg_level < 0) { // -1 is a warning; >= 0 are trace messages we ignore.
        if (mgr->warnings == 0) {
            mgr->base.format_message(cinfo, mgr->first_warning);
        }
        mgr->warnings += 1;
        mgr->base.num_warnings += 1;
    }
}

static void trap_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void trap_init(trap_error_mgr *mgr) {
    jpeg_std_error(&mgr->base);
    mgr->base.error_exit = trap_error_exit;
    mgr->base.emit_message = trap_emit_message;
    mgr->base.output_message = trap_output_message;
    mgr->warnings = 0;
    mgr->first_warning[0] = '\0';
}

static void copy_message(char *dst, const char *src) {
    if (dst == NULL) return;
    strncpy(dst, src, EAGLE_JPEG_MESSAGE_CAPACITY - 1);
    dst[EAGLE_JPEG_MESSAGE_CAPACITY - 1] = '\0';
}

static void format_error(j_common_ptr cinfo, char *message) {
    char buffer[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, buffer);
    copy_message(message, buffer);
}

struct eagle_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    trap_error_mgr err;
    int started; // header read and jpeg_start_decompress done
};

eagle_jpeg_decoder *eagle_jpeg_decoder_create(void) {
    eagle_jpeg_decoder *d = calloc(1, sizeof(*d));
    if (d == NULL) return NULL;
    trap_init(&d->err);
    d->cinfo.err = &d->err.base;
    if (setjmp(d->err.jump)) { // jpeg_create_decompress only fails on out-of-memory.
        free(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    return d;
}

void eagle_jpeg_decoder_destroy(eagle_jpeg_decoder *d) {
    if (d == NULL) return;
    jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

int eagle_jpeg_decoder_start(eagle_jpeg_decoder *d, const uint8_t *data, size_t length,
                             int scale_denom, int gray, uint64_t max_pixels,
                             uint32_t *width, uint32_t *height, uint32_t *channels,
                             char *message) {
    if (d == NULL || data == NULL || length == 0) {
        copy_message(message, "empty input: no JPEG data");
        return EAGLE_JPEG_INVALID;
    }
    if (scale_denom != 1 && scale_denom != 2 && scale_denom != 4 && scale_denom != 8) {
        copy_message(message, "scale denominator must be 1, 2, 4 or 8");
        return EAGLE_JPEG_INVALID;
    }
    // Reuse of a decoder after an error: abort resets it to the "created" state.
    jpeg_abort_decompress(&d->cinfo);
    d->started = 0;
    d->err.warnings = 0;
    d->err.first_warning[0] = '\0';
    if (setjmp(d->err.jump)) {
        format_error((j_common_ptr)&d->cinfo, message);
        jpeg_abort_decompress(&d->cinfo);
        return EAGLE_JPEG_ERROR;
    }
    jpeg_mem_src(&d->cinfo, data, (unsigned long)length);
    jpeg_read_header(&d->cinfo, TRUE);
    uint64_t declared = (uint64_t)d->cinfo.image_width * (uint64_t)d->cinfo.image_height;
    if (max_pixels != 0 && declared > max_pixels) {
        if (message != NULL)
            snprintf(message, EAGLE_JPEG_MESSAGE_CAPACITY,
                 "declared size %ux%u exceeds the limit of %llu pixels",
                 d->cinfo.image_width, d->cinfo.image_height, (unsigned long long)max_pixels);
        jpeg_abort_decompress(&d->cinfo);
        return EAGLE_JPEG_TOO_LARGE;
    }
    d->cinfo.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    d->cinfo.scale_num = 1;
    d->cinfo.scale_denom = (unsigned int)scale_denom;
    d->cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&d->cinfo);
    d->started = 1;
    *width = d->cinfo.output_width;
    *height = d->cinfo.output_height;
    *channels = (uint32_t)d->cinfo.output_components;
    return EAGLE_JPEG_OK;
}

int eagle_jpeg_decoder_read(eagle_jpeg_decoder *d, uint8_t *pixels, size_t row_bytes,
                            int strict, char *message) {
    if (d == NULL || !d->started || pixels == NULL) {
        copy_message(message, "decoder not started");
        return EAGLE_JPEG_INVALID;
    }
    if (setjmp(d->err.jump)) {
        format_error((j_common_ptr)&d->cinfo, message);
        jpeg_abort_decompress(&d->cinfo);
        d->started = 0;
        return EAGLE_JPEG_ERROR;
    }
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)d->cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&d->cinfo, &row, 1);
    }
    jpeg_finish_decompress(&d->cinfo);
    d->started = 0;
    if (strict && d->err.warnings > 0) {
        copy_message(message, d->err.first_warning);
        return EAGLE_JPEG_CORRUPT;
    }
    return EAGLE_JPEG_OK;
}

int eagle_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                      size_t row_bytes, int quality, uint8_t **output, size_t *output_length,
                      char *message) {
    if (pixels == NULL || output == NULL || output_length == NULL || width == 0 || height == 0 ||
        (channels != 1 && channels != 3) || quality < 1 || quality > 100) {
        copy_message(message, "invalid arguments to the JPEG encoder");
        return EAGLE_JPEG_INVALID;
    }
    struct jpeg_compress_struct cinfo;
    trap_error_mgr err;
    trap_init(&err);
    cinfo.err = &err.base;
    // The destination slots live on the heap and the pointer to them is fixed before setjmp,
    // so their contents are well defined after a longjmp (locals changed in between are not).
    struct { unsigned char *buffer; unsigned long length; } *out = calloc(1, sizeof(*out));
    if (out == NULL) {
        copy_message(message, "out of memory");
        return EAGLE_JPEG_INVALID;
    }
    if (setjmp(err.jump)) {
        format_error((j_common_ptr)&cinfo, message);
        jpeg_destroy_compress(&cinfo);
        free(out->buffer);
        free(out);
        return EAGLE_JPEG_ERROR;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &out->buffer, &out->length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = (int)channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *output = out->buffer;
    *output_length = (size_t)out->length;
    free(out);
    return EAGLE_JPEG_OK;
}

void eagle_jpeg_free(uint8_t *buffer) { free(buffer); }
