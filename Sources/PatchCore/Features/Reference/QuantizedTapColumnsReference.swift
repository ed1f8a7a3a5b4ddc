import Imaging
import Kernels

extension QuantizedTapColumns {
    /// The plain twin of ``write(_:into:rowStride:column:)``: each output value from its own
    /// window sums, one at a time.
    func writeReference(_ tap: QuantizedTensor, into rows: UnsafeMutableBufferPointer<Float>, rowStride: Int, column: Int) {
        checkShape(tap, rows: rows.count, rowStride: rowStride, column: column)
        let factors = factors(scale: tap.parameters.scale), r = neighbourhood / 2
        let zero = Int(tap.parameters.zeroPoint)
        func mean(_ y: Int, _ x: Int, _ j: Int) -> Float {
            var sum = 0
            for wy in Swift.max(0, y - r)...Swift.min(tap.height - 1, y + r) {
                for wx in Swift.max(0, x - r)...Swift.min(tap.width - 1, x + r) {
                    for c in bins[j] { sum += Int(tap[wy, wx, c]) - zero }
                }
            }
            return Float(sum) * factors[j]
        }
        let resampled = tap.width != gridWidth || tap.height != gridHeight
        let xs = FloatPlane.bilinearTaps(inSize: tap.width, outSize: gridWidth)
        let ys = FloatPlane.bilinearTaps(inSize: tap.height, outSize: gridHeight)
        for oy in 0..<gridHeight {
            for ox in 0..<gridWidth {
                for j in bins.indices {
                    let value: Float
                    if resampled {
                        let (tx, ty) = (xs[ox], ys[oy])
                        let top = mean(ty.i0, tx.i0, j) * (1 - tx.f) + mean(ty.i0, tx.i1, j) * tx.f
                        let bottom = mean(ty.i1, tx.i0, j) * (1 - tx.f) + mean(ty.i1, tx.i1, j) * tx.f
                        value = top * (1 - ty.f) + bottom * ty.f
                    } else {
                        value = mean(oy, ox, j)
                    }
                    rows[(oy * gridWidth + ox) * rowStride + column + j] = value
                }
            }
        }
    }
}
