// libjpeg(-turbo) behind an API that never calls exit(): libjpeg's default error_exit ends the
// process, so every call here traps errors with setjmp/longjmp and returns a status instead.
#ifndef EAGLE_JPEG_H
#define EAGLE_JPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Room for libjpeg's formatted message (JMSG_LENGTH_MAX is 200).
#define EAGLE_JPEG_MESSAGE_CAPACITY 200

/// Status codes returned by the functions below.
enum {
    EAGLE_JPEG_OK = 0,
    /// libjpeg reported an error; the message buffer says which.
    EAGLE_JPEG_ERROR = 1,
    /// The data decoded only with warnings (corrupt or truncated entropy data) and strict mode
    /// was asked for.
    EAGLE_JPEG_CORRUPT = 2,
    /// The header declares more pixels than the caller allows.
    EAGLE_JPEG_TOO_LARGE = 3,
    /// Out of memory or invalid arguments.
    EAGLE_JPEG_INVALID = 4
};

/// A decoder session: one compressed image from header to pixels. Opaque.
typedef struct eagle_jpeg_decoder eagle_jpeg_decoder;

/// Creates a decoder; returns NULL when out of memory.
eagle_jpeg_decoder *eagle_jpeg_decoder_create(void);
void eagle_jpeg_decoder_destroy(eagle_jpeg_decoder *decoder);

/// Reads the header of `data` and prepares decompression.
/// `scale_denom` is 1, 2, 4 or 8 (decode-time downscaling by the IDCT); `gray` asks for one
/// channel output, otherwise RGB. `max_pixels` bounds the declared image size (0: no bound).
/// On success fills the output size and channel count (1 or 3). `data` must stay alive until
/// `eagle_jpeg_decoder_read` returns.
int eagle_jpeg_decoder_start(eagle_jpeg_decoder *decoder, const uint8_t *data, size_t length,
                             int scale_denom, int gray, uint64_t max_pixels,
                             uint32_t *width, uint32_t *height, uint32_t *channels,
                             char *message);

/// Decodes the pixels prepared by `eagle_jpeg_decoder_start` into `pixels` (rows of
/// `row_bytes` bytes). With `strict`, any libjpeg warning (corrupt data, premature end of
/// file) turns into EAGLE_JPEG_CORRUPT.
int eagle_jpeg_decoder_read(eagle_jpeg_decoder *decoder, uint8_t *pixels, size_t row_bytes,
                            int strict, char *message);

/// Encodes 8-bit pixels (`channels` 1 = gray, 3 = RGB) with baseline JPEG at `quality` 1...100.
/// On success `*output` holds `*output_length` bytes that the caller frees with
/// `eagle_jpeg_free`.
int eagle_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                      size_t row_bytes, int quality, uint8_t **output, size_t *output_length,
                      char *message);

/// Frees a buffer returned by `eagle_jpeg_encode`.
void eagle_jpeg_free(uint8_t *buffer);

#ifdef __cplusplus
}
#endif
#endif
