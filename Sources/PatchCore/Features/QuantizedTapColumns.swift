import CEagleKernels
import Imaging
import Kernels

/// The columns one int8 tap contributes to the patch-feature rows, computed from its codes.
///
/// The float path dequantises the tap, averages each channel over the neighbourhood, resamples it
/// to the finest grid and only then averages channels into bins. Up to the resampling every step
/// is linear and the tap has one scale and zero point, so here the bin's neighbourhood mean is an
/// exact integer sum of codes times one factor, scale / (neighbourhood^2 * bin size); only the
/// bilinear resampling (``FloatPlane/resizedBilinear(width:height:)``'s arithmetic) runs in Float.
/// The result equals the float path's up to its Float rounding.
///
/// ``write(_:into:rowStride:column:)`` runs the C kernel (`patch_features.c`);
/// ``writeReference(_:into:rowStride:column:)`` is its plain twin, with the same bits.
struct QuantizedTapColumns {
    /// The tap's channel bins, in its own channel numbering.
    let bins: [Range<Int>]
    /// Neighbourhood side (odd).
    let neighbourhood: Int
    /// The grid the columns are written on (the finest tap's).
    let gridWidth: Int
    let gridHeight: Int

    /// What each bin's integer window sum is multiplied by.
    func factors(scale: Float) -> [Float] {
        bins.map { scale / Float(neighbourhood * neighbourhood * $0.count) }
    }

    func checkShape(_ tap: QuantizedTensor, rows: Int, rowStride: Int, column: Int) {
        precondition(bins.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= tap.channels }, "bins within the tap's channels")
        precondition(tap.width > 0 && tap.height > 0 && gridWidth > 0 && gridHeight > 0, "non-empty maps")
        precondition(column >= 0 && column + bins.count <= rowStride && rows >= gridWidth * gridHeight * rowStride, "columns within the rows")
    }

    /// Writes `bins.count` columns from `column` on into `rows` (grid positions x `rowStride`).
    func write(_ tap: QuantizedTensor, into rows: UnsafeMutableBufferPointer<Float>, rowStride: Int, column: Int) {
        checkShape(tap, rows: rows.count, rowStride: rowStride, column: column)
        let nb = bins.count, positions = tap.positions
        let bounds = bins.flatMap { [Int32($0.lowerBound), Int32($0.upperBound)] }
        let factors = factors(scale: tap.parameters.scale)
        let resampled = tap.width != gridWidth || tap.height != gridHeight
        let xs = resampled ? FloatPlane.bilinearTaps(inSize: tap.width, outSize: gridWidth) : []
        let ys = resampled ? FloatPlane.bilinearTaps(inSize: tap.height, outSize: gridHeight) : []
        let xTaps = xs.flatMap { [Int32($0.i0), Int32($0.i1)] }, xWeights = xs.map(\.f)
        let yTaps = ys.flatMap { [Int32($0.i0), Int32($0.i1)] }, yWeights = ys.map(\.f)
        // Scratch the kernel writes before it reads.
        let ints = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * positions * nb)
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: resampled ? (positions + tap.height * gridWidth) * nb : 1)
        defer {
            ints.deallocate()
            floats.deallocate()
        }
        tap.values.withUnsafeBufferPointer { codes in
            xTaps.withUnsafeBufferPointer { xTaps in
                yTaps.withUnsafeBufferPointer { yTaps in
                    eagle_tap_feature_rows(codes.baseAddress, Int32(tap.height), Int32(tap.width), Int32(tap.channels),
                                           tap.parameters.zeroPoint, Int32(neighbourhood / 2), bounds, Int32(nb), factors,
                                           Int32(gridHeight), Int32(gridWidth), resampled ? xTaps.baseAddress : nil, xWeights,
                                           resampled ? yTaps.baseAddress : nil, yWeights, ints, floats,
                                           rows.baseAddress, Int32(rowStride), Int32(column))
                }
            }
        }
    }
}
