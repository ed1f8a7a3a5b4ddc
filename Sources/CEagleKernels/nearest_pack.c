// The packed bank (nn_header in nearest_internal.h): its layout, and the packing of its
// sections except the rotated screen's, which nearest_rotation.c derives. Packing is done once
// per bank and kept with the model, so it may take its time; the search reads it as it is.
#include "nearest_internal.h"

// AVX2 and NEON screen banks of at least this many dimensions (AVX2 up to
// NN_ROTATED_MAX_DIMENSION): AVX2 with the rotated screen, NEON on a third of the dimensions
// rounded up to 8.
enum { NN_SCREEN_MIN_DIMENSION = 64 };

#ifdef EAGLE_HAVE_AVX2_PATH
/// Packed u8 x s8 columns: `n` (a multiple of 8) columns of `k` codes in tiles of 16 (the last one
/// of 8 when n % 16 == 8), each [kp/4][width][4] with kp = k rounded up to 8, zeros beyond k and
/// beyond the `real` columns (rows of `stride` codes).
static size_t nn_x86_columns_size(int k, int n) { return (size_t)eagle_round_up(k, 8) * (size_t)n; }

static void nn_x86_pack_columns(const int8_t *m, int stride, int real, int k, int n, int8_t *out) {
    int kp = eagle_round_up(k, 8);
    for (int c0 = 0; c0 < n; c0 += 16) {
        int width = EAGLE_MIN(16, n - c0);
        for (int g = 0; g < kp / 4; g++)
            for (int j = 0; j < width; j++)
                for (int h = 0; h < 4; h++) {
                    int c = c0 + j, i = 4 * g + h;
                    *out++ = (c < real && i < k) ? m[(size_t)c * (size_t)stride + (size_t)i] : 0;
                }
    }
}
#endif

static int nn_columns(eagle_isa isa, int bank_count) {
    return isa == EAGLE_ISA_PORTABLE ? bank_count : eagle_round_up(bank_count, 8);
}

static size_t nn_bank_bytes(eagle_isa isa, int dimension, int columns) {
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: return nn_x86_columns_size(dimension, columns);
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: return neon_packed_columns_size(dimension, columns);
#endif
    default: return (size_t)dimension * (size_t)columns;
    }
}

/// The ISA the kernels can run for a request of `isa` (the portable one when this build lacks it).
static eagle_isa nn_usable(eagle_isa isa) {
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2: return isa;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT: return isa;
#endif
    default: return EAGLE_ISA_PORTABLE;
    }
}

static int64_t nn_section(int64_t *at, size_t bytes) {
    int64_t start = *at;
    *at += (int64_t)eagle_round_up((int)bytes, 64);
    return start;
}

/// Where each section of a bank of `bank_count` rows packed for `isa` goes, and which screen the
/// bank gets.
static nn_header nn_layout(eagle_isa isa, int bank_count, int dimension) {
    nn_header h;
    memset(&h, 0, sizeof h);
    h.magic = NN_MAGIC;
    h.isa = (int32_t)isa;
    h.bank_count = bank_count;
    h.dimension = dimension;
    h.columns = nn_columns(isa, bank_count);
    if (isa == EAGLE_ISA_AVX2 && dimension >= NN_SCREEN_MIN_DIMENSION && dimension <= NN_ROTATED_MAX_DIMENSION) {
        h.rotated = 1;
        h.screen = NN_ROTATED_DIMS;
        h.row_stride = eagle_round_up(dimension, 32);   // the row dot's vectors
    } else if (isa == EAGLE_ISA_NEON_DOT && dimension >= NN_SCREEN_MIN_DIMENSION) {
        h.screen = eagle_round_up((dimension + 2) / 3, 8);
        h.row_stride = eagle_round_up(dimension, 16);   // the row dot's vectors
    }
    size_t words = 4 * (size_t)h.columns;   // a section of floats or int32
    int64_t at = eagle_round_up((int)sizeof h, 64);
    h.scales_offset = nn_section(&at, words);
    h.norms_offset = nn_section(&at, words);
    h.init_offset = nn_section(&at, words);
    if (h.rotated) {
        h.rows_offset = nn_section(&at, (size_t)bank_count * (size_t)h.row_stride);
        h.rotation_offset = nn_section(&at, sizeof(int16_t) * NN_ROTATED_DIMS * (size_t)eagle_round_up(dimension, 2));
        h.rotated_constants_offset = nn_section(&at, 4 * words);   // tails, norms, scales, order
        h.tiles = (bank_count + 15) / 16;
        h.tile_stride = eagle_round_up(EAGLE_MAX(h.tiles, 1), 8);
        h.centres_offset = nn_section(&at, 4 * NN_ROTATED_DIMS * (size_t)h.tile_stride);
        h.radii_offset = nn_section(&at, 4 * (size_t)h.tile_stride);
        h.reaches_offset = nn_section(&at, 4 * (size_t)h.tile_stride);
    } else if (h.screen > 0) {
        h.screen_dims_offset = nn_section(&at, 4 * (size_t)h.screen);
        h.tails_offset = nn_section(&at, words);
        h.rows_offset = nn_section(&at, (size_t)bank_count * (size_t)h.row_stride);
    }
    h.bank_offset = at;
    h.total = at + (int64_t)(h.rotated ? sizeof(int16_t) * NN_ROTATED_DIMS * (size_t)h.columns
                                        : nn_bank_bytes(isa, h.screen > 0 ? h.screen : dimension, h.columns));
    return h;
}

size_t eagle_nearest_packed_size(eagle_isa isa, int bank_count, int dimension) {
    return (size_t)nn_layout(nn_usable(isa), EAGLE_MAX(bank_count, 0), dimension).total;
}

#ifdef EAGLE_HAVE_AVX2_PATH
/// The AVX2 accumulators' starts, -32 * each row's code sum: the tiles multiply u = q + 32, not
/// q, with the row (see nearest.c).
static void nn_x86_pack_init(const int8_t *bank, int bank_count, int dimension, int32_t *init) {
    for (int j = 0; j < bank_count; j++) {
        int32_t sum = 0;
        for (int k = 0; k < dimension; k++) sum += bank[(size_t)j * (size_t)dimension + (size_t)k];
        init[j] = -32 * sum;
    }
}
#endif

#if defined(EAGLE_HAVE_AVX2_PATH) || defined(EAGLE_HAVE_NEON_PATH)
void eagle_nn_widest_dimensions(const nn_header *h, const int8_t *bank, const float *bank_scales, int count, int32_t *dims) {
    const int n = h->bank_count, d = h->dimension;
    double *spread = calloc((size_t)d, sizeof(double));
    char *chosen = calloc((size_t)d, 1);
    if (!spread || !chosen) abort();
    for (int k = 0; k < d; k++) {
        double sum = 0, squares = 0;
        for (int j = 0; j < n; j++) {
            double x = (double)bank_scales[j] * bank[(size_t)j * (size_t)d + (size_t)k];
            sum += x;
            squares += x * x;
        }
        spread[k] = n > 0 ? squares / n - (sum / n) * (sum / n) : 0;
    }
    for (int s = 0; s < count; s++) {
        int pick = -1;
        for (int k = 0; k < d; k++)
            if (!chosen[k] && (pick < 0 || spread[k] > spread[pick])) pick = k;
        chosen[pick] = 1;
        dims[s] = pick;
    }
    free(spread);
    free(chosen);
}

void eagle_nn_pack_rows(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension;
    int8_t *rows = (int8_t *)(base + h->rows_offset);
    h->largest_norm = 0;
    h->largest_length = 0;
    for (int j = 0; j < n; j++) {
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int32_t all = 0;
        for (int k = 0; k < d; k++) all += (int32_t)m[k] * m[k];
        memcpy(rows + (size_t)j * (size_t)h->row_stride, m, (size_t)d);
        if (fabsf(bank_norms[j]) > h->largest_norm) h->largest_norm = fabsf(bank_norms[j]);
        float length = bank_scales[j] * sqrtf((float)all);
        if (length > h->largest_length) h->largest_length = length;
    }
}
#endif

#ifdef EAGLE_HAVE_NEON_PATH
/// The per-dimension screen's sections of a packed NEON bank: the third of the dimensions where
/// the dequantized bank varies most, their packed columns, and each row's scale times its length
/// over the other dimensions.
static void nn_pack_screen(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int n = h->bank_count, d = h->dimension, ks = h->screen;
    int32_t *dims = (int32_t *)(void *)(base + h->screen_dims_offset);
    int8_t *screened = malloc((size_t)EAGLE_MAX(n, 1) * (size_t)ks);
    if (!screened) abort();
    eagle_nn_widest_dimensions(h, bank, bank_scales, ks, dims);
    eagle_nn_pack_rows(h, base, bank, bank_scales, bank_norms);
    float *tails = (float *)(void *)(base + h->tails_offset);
    for (int j = 0; j < n; j++) {
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int32_t all = 0, part = 0;
        for (int s = 0; s < ks; s++) {
            int8_t code = m[dims[s]];
            screened[(size_t)j * (size_t)ks + (size_t)s] = code;
            part += (int32_t)code * code;
        }
        for (int k = 0; k < d; k++) all += (int32_t)m[k] * m[k];
        tails[j] = bank_scales[j] * sqrtf((float)(all - part));
    }
    neon_pack_columns(screened, ks, n, ks, h->columns, (int8_t *)(base + h->bank_offset));
    free(screened);
}
#endif

void eagle_nearest_pack(eagle_isa isa, const int8_t *bank, const float *bank_scales, const float *bank_norms,
                        int bank_count, int dimension, void *packed) {
    isa = nn_usable(isa);
    bank_count = EAGLE_MAX(bank_count, 0);
    nn_header h = nn_layout(isa, bank_count, dimension);
    char *base = packed;
    memset(base, 0, (size_t)h.bank_offset);
    float *scales = (float *)(void *)(base + h.scales_offset), *norms = (float *)(void *)(base + h.norms_offset);
    if (bank_count > 0) {
        memcpy(scales, bank_scales, sizeof(float) * (size_t)bank_count);
        memcpy(norms, bank_norms, sizeof(float) * (size_t)bank_count);
    }
    for (int j = bank_count; j < h.columns; j++) { scales[j] = 0.0f; norms[j] = INFINITY; }
    void *columns = base + h.bank_offset;
    switch (isa) {
#ifdef EAGLE_HAVE_AVX2_PATH
    case EAGLE_ISA_AVX2:
        nn_x86_pack_init(bank, bank_count, dimension, (int32_t *)(void *)(base + h.init_offset));
        if (h.rotated) eagle_nn_pack_rotated(&h, base, bank, bank_scales, bank_norms);
        else nn_x86_pack_columns(bank, dimension, bank_count, dimension, h.columns, columns);
        break;
#endif
#ifdef EAGLE_HAVE_NEON_PATH
    case EAGLE_ISA_NEON_DOT:
        if (h.screen > 0) nn_pack_screen(&h, base, bank, bank_scales, bank_norms);
        else neon_pack_columns(bank, dimension, bank_count, dimension, h.columns, columns);
        break;
#endif
    default:
        if (bank_count > 0) memcpy(columns, bank, (size_t)dimension * (size_t)bank_count);
        break;
    }
    memcpy(base, &h, sizeof h);
}
