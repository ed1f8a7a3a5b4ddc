// The rotated screen's sections of a packed AVX2 bank (see nearest.c for the bound they serve):
// the rotation R, 16 orthonormal directions near the bank's principal ones, found by orthogonal
// iteration on the second moment of the dequantized rows from the axes where the bank varies
// most, stored as int16 with 14 fractional bits, and g >= ||R R^T - I|| (Frobenius), how far the
// stored rows are from orthonormal; per row the codes c of A = R m and the constants of its side
// of the bound, the rows ordered into tiles of 16 similar ones by a k-d split of their A; per
// tile the centre, radius and reach of its rows' rotated vectors. Any orthonormal rows give a
// valid bound (g covers the rounding of the stored ones), closer ones only rule out more rows, so
// the directions need only be near the principal ones.
#include "nearest_internal.h"

#ifdef EAGLE_HAVE_AVX2_PATH

// Orthogonal iterations that turn the starting axes towards the bank's principal directions, on
// the second moment of at most NN_ROTATION_SAMPLE rows.
enum { NN_ROTATION_ITERATIONS = 30, NN_ROTATION_SAMPLE = 2048 };

// MARK: the rotation

/// The second moment sum_j x_j x_j^T (d x d, symmetric) of the dequantized rows x_j = bs[j] m[j],
/// over at most NN_ROTATION_SAMPLE rows spread over the bank: the directions only need to be near
/// the principal ones, and a large bank would otherwise cost n d^2 here.
static double *nn_second_moment(const nn_header *h, const int8_t *bank, const float *bank_scales) {
    const int n = h->bank_count, d = h->dimension;
    double *moment = calloc((size_t)d * (size_t)d, sizeof(double));
    double *row = malloc(sizeof(double) * (size_t)d);
    if (!moment || !row) abort();
    const int sample = EAGLE_MIN(n, NN_ROTATION_SAMPLE);
    for (int s = 0; s < sample; s++) {
        const int j = (int)((int64_t)s * n / sample);
        for (int c = 0; c < d; c++) row[c] = (double)bank_scales[j] * bank[(size_t)j * (size_t)d + (size_t)c];
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) moment[(size_t)a * (size_t)d + (size_t)b] += row[a] * row[b];
    }
    for (int a = 0; a < d; a++)
        for (int b = 0; b < a; b++) moment[(size_t)a * (size_t)d + (size_t)b] = moment[(size_t)b * (size_t)d + (size_t)a];
    free(row);
    return moment;
}

/// Makes the `k` rows of `basis` (each of `d`) orthonormal, in order, by Gram-Schmidt done twice;
/// a row that (nearly) lies in the span of those before it is replaced by the first axis that
/// does not, so the result always has k orthonormal rows (k <= d).
static void nn_orthonormalize(double *basis, int k, int d) {
    for (int r = 0, axis = 0; r < k; r++) {
        double *x = basis + (size_t)r * (size_t)d;
        for (;;) {
            double before = 0, after = 0;
            for (int c = 0; c < d; c++) before += x[c] * x[c];
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < r; p++) {
                    const double *y = basis + (size_t)p * (size_t)d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += x[c] * y[c];
                    for (int c = 0; c < d; c++) x[c] -= dot * y[c];
                }
            for (int c = 0; c < d; c++) after += x[c] * x[c];
            if (after > 1e-12 * before && after > 0) {
                const double scale = 1 / sqrt(after);
                for (int c = 0; c < d; c++) x[c] *= scale;
                break;
            }
            memset(x, 0, sizeof(double) * (size_t)d);
            x[axis++ % d] = 1;
        }
    }
}

/// 16 orthonormal directions near the bank's principal ones, as the rows of a 16 x d matrix:
/// orthogonal iteration on the second moment, from the axes where the bank varies most.
static double *nn_principal_directions(const nn_header *h, const int8_t *bank, const float *bank_scales) {
    const int d = h->dimension, k = NN_ROTATED_DIMS;
    double *basis = calloc((size_t)k * (size_t)d, sizeof(double)), *next = calloc((size_t)k * (size_t)d, sizeof(double));
    int32_t dims[NN_ROTATED_DIMS];
    if (!basis || !next) abort();
    eagle_nn_widest_dimensions(h, bank, bank_scales, k, dims);
    double *moment = nn_second_moment(h, bank, bank_scales);
    for (int r = 0; r < k; r++) basis[(size_t)r * (size_t)d + (size_t)dims[r]] = 1;
    for (int iteration = 0; iteration < NN_ROTATION_ITERATIONS; iteration++) {
        for (int r = 0; r < k; r++)
            for (int a = 0; a < d; a++) {
                double sum = 0;
                for (int b = 0; b < d; b++) sum += moment[(size_t)a * (size_t)d + (size_t)b] * basis[(size_t)r * (size_t)d + (size_t)b];
                next[(size_t)r * (size_t)d + (size_t)a] = sum;
            }
        nn_orthonormalize(next, k, d);
        double *swap = basis;
        basis = next;
        next = swap;
    }
    free(moment);
    free(next);
    return basis;
}

/// R in fixed point: the directions' entries (16 x d) times 2^14, rounded to int16, into `fixed`.
/// Returns g >= ||R' R'^T - I|| (Frobenius) for R' = fixed / 2^14: products of int16 entries sum
/// exactly in int64, so R' R'^T is exact before the square root.
static float nn_fixed_rotation(const double *basis, int d, int16_t *fixed) {
    const int k = NN_ROTATED_DIMS;
    for (size_t i = 0; i < (size_t)k * (size_t)d; i++) fixed[i] = (int16_t)lrint(basis[i] * (1 << NN_ROTATION_BITS));
    double frobenius = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) {
            int64_t dot = 0;
            for (int c = 0; c < d; c++) dot += (int32_t)fixed[(size_t)a * (size_t)d + (size_t)c] * fixed[(size_t)b * (size_t)d + (size_t)c];
            double entry = ldexp((double)dot, -2 * NN_ROTATION_BITS) - (a == b);
            frobenius += entry * entry;
        }
    return nn_float_up(sqrt(frobenius) * (1 + 1e-9) + 1e-12);
}

/// The rotation as the search's 6 x 16 tile reads it (x86_dot_6x16): packed int16 columns
/// [kp / 2][16][2], kp = d rounded up to even, zeros beyond d.
static void nn_pack_rotation(const int16_t *fixed, int d, int16_t *rotation) {
    const int k = NN_ROTATED_DIMS, kp = eagle_round_up(d, 2);
    for (int p = 0; p < kp / 2; p++)
        for (int i = 0; i < k; i++)
            for (int half = 0; half < 2; half++) {
                int c = 2 * p + half;
                rotation[((size_t)p * (size_t)k + (size_t)i) * 2 + (size_t)half] = c < d ? fixed[(size_t)i * (size_t)d + (size_t)c] : 0;
            }
}

/// A = R m of every row (n x 16), exactly.
static int64_t *nn_rotate_bank(const int16_t *fixed, const int8_t *bank, int n, int d) {
    const int k = NN_ROTATED_DIMS;
    int64_t *rotated = malloc(sizeof(int64_t) * (size_t)EAGLE_MAX(n, 1) * (size_t)k);
    if (!rotated) abort();
    for (int j = 0; j < n; j++)
        for (int i = 0; i < k; i++) {
            int64_t sum = 0;
            for (int c = 0; c < d; c++) sum += (int32_t)fixed[(size_t)i * (size_t)d + (size_t)c] * bank[(size_t)j * (size_t)d + (size_t)c];
            rotated[(size_t)j * (size_t)k + (size_t)i] = sum;
        }
    return rotated;
}

// MARK: the columns, in tiles of similar rows

/// Sorts the `count` rows in `items` by `key` (ascending, ties by row): a merge sort, so the order
/// is the same on every platform.
static void nn_sort_rows(int32_t *items, const double *key, int32_t *scratch, int count) {
    if (count < 2) return;
    const int half = count / 2;
    nn_sort_rows(items, key, scratch, half);
    nn_sort_rows(items + half, key, scratch, count - half);
    int a = 0, b = half, o = 0;
    while (a < half || b < count) {
        const int take_a = b >= count || (a < half && (key[items[a]] < key[items[b]] ||
                                                       (key[items[a]] == key[items[b]] && items[a] < items[b])));
        scratch[o++] = take_a ? items[a++] : items[b++];
    }
    memcpy(items, scratch, sizeof(int32_t) * (size_t)count);
}

/// Orders the rows order[begin, end) into tiles of 16 similar ones: split in two along the rotated
/// coordinate (A, 16 per row) that varies most among them, the first part a multiple of 16 rows,
/// each part again, down to one tile (a k-d tree's leaves, left to right). `key` (one per row) and
/// `scratch` (one per row) are working space.
static void nn_tile_order(const int64_t *rotated, int32_t *order, int begin, int end, double *key, int32_t *scratch) {
    const int count = end - begin;
    if (count <= 16) return;
    int widest = 0;
    double widest_spread = -1;
    for (int i = 0; i < NN_ROTATED_DIMS; i++) {
        double sum = 0, squares = 0;
        for (int c = begin; c < end; c++) {
            const double x = (double)rotated[(size_t)order[c] * NN_ROTATED_DIMS + (size_t)i];
            sum += x;
            squares += x * x;
        }
        const double spread = squares - sum * sum / count;
        if (spread > widest_spread) { widest_spread = spread; widest = i; }
    }
    for (int c = begin; c < end; c++) key[order[c]] = (double)rotated[(size_t)order[c] * NN_ROTATED_DIMS + (size_t)widest];
    nn_sort_rows(order + begin, key, scratch, count);
    const int middle = begin + eagle_round_up(count / 2, 16);
    nn_tile_order(rotated, order, begin, middle, key, scratch);
    nn_tile_order(rotated, order, middle, end, key, scratch);
}

/// The bank's columns: `order` (each column's row, in tiles of 16 similar rows), and per column
/// the codes c of its row's A with the bank's one shift (so the code dot product has one scale
/// per query), the tail bound, norm and scale. Padding columns keep tail 0 and codes 0 and get
/// norm +inf and scale 0, so their bound is +inf. Sets the header's bank weight, largest |e| and
/// largest |A|.
static void nn_pack_columns_rotated(nn_header *h, char *base, const int8_t *bank, const float *bank_scales,
                                    const float *bank_norms, const int64_t *rotated, int16_t *codes) {
    const int n = h->bank_count, d = h->dimension, k = NN_ROTATED_DIMS;
    const size_t columns = (size_t)h->columns;
    const int shift = nn_rotated_shift(rotated, (size_t)n * (size_t)k);
    float *tail = (float *)(void *)(base + h->rotated_constants_offset), *norms = tail + columns, *scales = norms + columns;
    int32_t *order = (int32_t *)(void *)(scales + columns);
    for (int c = 0; c < n; c++) order[c] = c;
    double *key = malloc(sizeof(double) * (size_t)EAGLE_MAX(n, 1));
    int32_t *scratch = malloc(sizeof(int32_t) * (size_t)EAGLE_MAX(n, 1));
    if (!key || !scratch) abort();
    nn_tile_order(rotated, order, 0, n, key, scratch);
    free(key);
    free(scratch);
    double largest_error = 0, largest_rotated = 0;
    for (int c = 0; c < n; c++) {
        const int j = order[c];
        const int8_t *m = bank + (size_t)j * (size_t)d;
        int64_t all = 0;
        __int128 sq[3];
        for (int i = 0; i < d; i++) all += (int32_t)m[i] * m[i];
        nn_rotated_codes(rotated + (size_t)j * (size_t)k, shift, codes + (size_t)c * (size_t)k, sq);
        largest_error = fmax(largest_error, sqrt((double)sq[1]));
        largest_rotated = fmax(largest_rotated, sqrt((double)sq[2]));
        tail[c] = nn_rotated_tail(all, sq[2], h->g);
        norms[c] = bank_norms[j];
        scales[c] = bank_scales[j];
    }
    for (size_t c = (size_t)n; c < columns; c++) { norms[c] = INFINITY; scales[c] = 0; order[c] = 0; }
    h->bank_weight = ldexpf(1.0f, shift - NN_ROTATION_BITS);
    h->largest_error = nn_float_up(ldexp(largest_error, -NN_ROTATION_BITS) * (1 + 1e-12));
    h->largest_rotated = nn_float_up(ldexp(largest_rotated, -NN_ROTATION_BITS) * (1 + 1e-12));
}

/// Each tile's centre of its rows' rotated vectors bs[j] R' m[j] (rounded to float: the radius is
/// measured from the stored centre), radius and reach, in real units, rounded up; the largest
/// reach in the header.
static void nn_pack_tiles(nn_header *h, char *base, const float *bank_scales, const int64_t *rotated) {
    const int n = h->bank_count, k = NN_ROTATED_DIMS;
    const size_t columns = (size_t)h->columns;
    const int32_t *order = (const int32_t *)(const void *)(base + h->rotated_constants_offset) + 3 * columns;
    float *centres = (float *)(void *)(base + h->centres_offset), *radii = (float *)(void *)(base + h->radii_offset);
    float *reaches = (float *)(void *)(base + h->reaches_offset);
    h->largest_reach = 0;
    for (int tile = 0; tile < h->tiles; tile++) {
        const int c0 = 16 * tile, c1 = EAGLE_MIN(n, c0 + 16);
        double centre[NN_ROTATED_DIMS] = {0}, radius = 0, reach = 0;
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < k; i++) centre[i] += (double)bank_scales[order[c]] * ldexp((double)rotated[(size_t)order[c] * (size_t)k + (size_t)i], -NN_ROTATION_BITS);
        for (int i = 0; i < k; i++) {
            centres[(size_t)i * (size_t)h->tile_stride + (size_t)tile] = (float)(centre[i] / (c1 - c0));
            centre[i] = (double)centres[(size_t)i * (size_t)h->tile_stride + (size_t)tile];
        }
        for (int c = c0; c < c1; c++) {
            double distance2 = 0, length2 = 0;
            for (int i = 0; i < k; i++) {
                const double x = (double)bank_scales[order[c]] * ldexp((double)rotated[(size_t)order[c] * (size_t)k + (size_t)i], -NN_ROTATION_BITS);
                distance2 += (x - centre[i]) * (x - centre[i]);
                length2 += x * x;
            }
            radius = fmax(radius, sqrt(distance2));
            reach = fmax(reach, sqrt(length2));
        }
        radii[tile] = nn_float_up(radius * (1 + 1e-9));
        reaches[tile] = nn_float_up(reach * (1 + 1e-9));
        h->largest_reach = fmaxf(h->largest_reach, reaches[tile]);
    }
}

/// The columns' codes (16 per column, `columns` of them) as the screen's tiles read them: per
/// tile of 16 columns (the last one of 8 when columns % 16 == 8) [8][width][2].
static void nn_pack_codes(const int16_t *codes, size_t columns, int16_t *packed) {
    const int k = NN_ROTATED_DIMS;
    for (size_t c0 = 0; c0 < columns; c0 += 16) {
        const size_t width = EAGLE_MIN(16, columns - c0);
        for (int p = 0; p < k / 2; p++)
            for (size_t j = 0; j < width; j++)
                for (int half = 0; half < 2; half++)
                    *packed++ = codes[(c0 + j) * (size_t)k + (size_t)(2 * p + half)];
    }
}

void eagle_nn_pack_rotated(nn_header *h, char *base, const int8_t *bank, const float *bank_scales, const float *bank_norms) {
    const int d = h->dimension;
    int16_t *fixed = malloc(sizeof(int16_t) * NN_ROTATED_DIMS * (size_t)d);
    int16_t *codes = calloc((size_t)h->columns * NN_ROTATED_DIMS, sizeof(int16_t));
    if (!fixed || !codes) abort();
    eagle_nn_pack_rows(h, base, bank, bank_scales, bank_norms);
    double *basis = nn_principal_directions(h, bank, bank_scales);
    h->g = nn_fixed_rotation(basis, d, fixed);
    free(basis);
    nn_pack_rotation(fixed, d, (int16_t *)(void *)(base + h->rotation_offset));
    int64_t *rotated = nn_rotate_bank(fixed, bank, h->bank_count, d);
    free(fixed);
    nn_pack_columns_rotated(h, base, bank, bank_scales, bank_norms, rotated, codes);
    nn_pack_tiles(h, base, bank_scales, rotated);
    free(rotated);
    nn_pack_codes(codes, (size_t)h->columns, (int16_t *)(void *)(base + h->bank_offset));
    free(codes);
}
#endif
