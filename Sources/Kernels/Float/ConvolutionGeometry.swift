/// A k x k, stride-s convolution with TensorFlow "same" padding laid out for one input size: the
/// padded, phase-split copy of the input its inner loops read, and the loops that read it. Shared
/// by ``DepthwiseConvolution`` and ``Convolution``.
///
/// Every input plane is first copied into a zero-bordered plane, so no output position is a
/// border case: the loop over output columns has no bounds checks and no branches. For stride
/// s > 1 each padded row is also split into s phases (phase p holds padded columns p, p + s, ...):
/// kernel column kx then reads phase kx % s contiguously, which keeps the loads plain vector
/// loads instead of gathers.
struct ConvolutionGeometry: Sendable {
    let inputHeight: Int
    let inputWidth: Int
    let kernel: Int
    let stride: Int
    let rows: SamePadding
    let columns: SamePadding
    /// Slots per phase of a padded row: ceil(padded width / stride).
    let phaseLength: Int
    /// Floats from one padded row to the next.
    let rowPitch: Int
    /// Distance of each kernel tap (ky * kernel + kx) from output column 0's window origin.
    let tapOffsets: [Int]

    init(inputHeight: Int, inputWidth: Int, kernel: Int, stride: Int) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernel = kernel
        self.stride = stride
        rows = SamePadding(size: inputHeight, kernel: kernel, stride: stride)
        let columns = SamePadding(size: inputWidth, kernel: kernel, stride: stride)
        self.columns = columns
        let phaseLength = (inputWidth + columns.before + columns.after + stride - 1) / stride
        self.phaseLength = phaseLength
        let rowPitch = stride * phaseLength
        self.rowPitch = rowPitch
        // Padded column ox * stride + kx is element ox + kx / stride of phase kx % stride.
        tapOffsets = (0..<(kernel * kernel)).map { tap in
            let ky = tap / kernel, kx = tap % kernel
            return ky * rowPitch + (kx % stride) * phaseLength + kx / stride
        }
    }

    var outputHeight: Int { rows.outputSize }
    var outputWidth: Int { columns.outputSize }
    var outputPlaneSize: Int { rows.outputSize * columns.outputSize }
    /// Floats of one padded, split plane.
    var paddedPlaneSize: Int { (inputHeight + rows.before + rows.after) * rowPitch }

    /// Copies one input plane into the interior of a padded, split plane. Only the interior is
    /// written: the border of a buffer that started zeroed stays zero, so one scratch plane
    /// serves every channel.
    func pad(_ plane: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        for y in 0..<inputHeight {
            let source = plane + y * inputWidth
            let row = padded + (y + rows.before) * rowPitch
            if stride == 1 {
                (row + columns.before).update(from: source, count: inputWidth)
                continue
            }
            if stride == 2 {
                deinterleave(source, into: row)
                continue
            }
            for phase in 0..<stride {
                // The first input column landing in this phase, and its slot there.
                let first = ((phase - columns.before) % stride + stride) % stride
                guard first < inputWidth else { continue }
                let target = row + phase * phaseLength + (first + columns.before) / stride
                let count = (inputWidth - first + stride - 1) / stride
                var from = source + first
                for j in 0..<count {
                    target[j] = from.pointee
                    from += stride
                }
            }
        }
    }

    /// Stride 2's split of one input row: even input columns to one phase, odd ones to the
    /// other, eight at a time. It was most of the time of a stride-2 depthwise layer done one
    /// float at a time.
    private func deinterleave(_ source: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>) {
        // Input column x lands in padded column x + before: phase (x + before) % 2, slot (x + before) / 2.
        let before = columns.before
        let evens = row + (before % 2) * phaseLength + before / 2
        let odds = row + ((before + 1) % 2) * phaseLength + (before + 1) / 2
        var j = 0
        while 2 * j + 8 <= inputWidth {
            let pair = (source + 2 * j).loadVector(SIMD8<Float>.self)
            UnsafeMutableRawPointer(evens + j).storeBytes(of: pair.evenHalf, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(odds + j).storeBytes(of: pair.oddHalf, as: SIMD4<Float>.self)
            j += 4
        }
        while 2 * j < inputWidth {
            evens[j] = source[2 * j]
            if 2 * j + 1 < inputWidth { odds[j] = source[2 * j + 1] }
            j += 1
        }
    }

    /// Runs a convolution over `input` with this geometry: `outputChannels` planes, each the bias
    /// plus the taps of its filter, activated. A depthwise filter reads its own channel only; a
    /// full one every channel. `weights` are OIHW (I = 1 when depthwise).
    func convolve(
        _ input: Tensor3, outputChannels: Int, depthwise: Bool,
        weights: [Float], bias: [Float], activation: ActivationClamp
    ) -> Tensor3 {
        let plane = outputPlaneSize, inputPlane = input.planeSize, paddedPlane = paddedPlaneSize
        let planesPerFilter = depthwise ? 1 : input.channels
        let filterSize = planesPerFilter * kernel * kernel
        // Depthwise pads one channel at a time into a single plane, used while it is in cache; a
        // full convolution needs every padded channel for each output plane.
        var padded = [Float](repeating: 0, count: paddedPlane * planesPerFilter)
        return Tensor3(channels: outputChannels, height: outputHeight, width: outputWidth) { output in
            guard plane > 0 else { return }
            input.values.withUnsafeBufferPointer { source in
                weights.withUnsafeBufferPointer { weights in
                    tapOffsets.withUnsafeBufferPointer { offsets in
                        padded.withUnsafeMutableBufferPointer { padded in
                            let source = source.baseAddress!, padded = padded.baseAddress!
                            if !depthwise {
                                for c in 0..<input.channels {
                                    pad(source + c * inputPlane, into: padded + c * paddedPlane)
                                }
                            }
                            for o in 0..<outputChannels {
                                if depthwise {
                                    pad(source + o * inputPlane, into: padded)
                                }
                                convolvePlane(
                                    planes: padded, planeCount: planesPerFilter, planeStride: paddedPlane,
                                    filters: weights.baseAddress! + o * filterSize, bias: bias[o],
                                    activation: activation, offsets: offsets.baseAddress!,
                                    into: output.baseAddress! + o * plane
                                )
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes every output row of one output plane: bias plus the taps of `planeCount` padded
    /// planes (`planeStride` floats apart) weighted by `filters` (k * k values per plane, planes
    /// in order), activated.
    private func convolvePlane(
        planes: UnsafePointer<Float>, planeCount: Int, planeStride: Int,
        filters: UnsafePointer<Float>, bias: Float, activation: ActivationClamp,
        offsets: UnsafePointer<Int>, into output: UnsafeMutablePointer<Float>
    ) {
        let width = outputWidth
        var oy = 0
        while oy < outputHeight {
            let window = TapWindow(
                origin: planes + oy * stride * rowPitch, nextRow: stride * rowPitch,
                planeCount: planeCount, planeStride: planeStride,
                taps: kernel * kernel, offsets: offsets, filters: filters, bias: bias
            )
            let target = output + oy * width
            // Two rows at a time where there are two: twice the independent sums in flight.
            let pair = oy + 1 < outputHeight
            window.write(width: width, pair: pair, into: target)
            activation.apply(to: target, count: pair ? 2 * width : width)
            oy += pair ? 2 : 1
        }
    }
}
