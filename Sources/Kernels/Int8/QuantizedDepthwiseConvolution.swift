import CEagleKernels

/// An int8 depthwise k x k convolution with TensorFlow "same" padding (see ``SamePadding``).
///
///     acc[y][x][c] = bias[c] + sum over taps inside the input of (x_in - zx) * w[c][ky][kx]
///     y[y][x][c]   = requantization.code(acc, channel: c)
///
/// Taps in the padding contribute nothing, as real zeros would; an optimised path may instead pad
/// with the code zx, which is the same thing.
///
/// ``apply(_:)`` runs the C kernel (`depthwise.c`: AVX2 or NEON across 16 channels, or portable C)
/// on output rows split over ``int8ThreadCount`` workers; ``applyReference(_:)`` is its plain twin.
public struct QuantizedDepthwiseConvolution: Sendable {
    public let channels: Int
    public let kernelSize: Int
    public let stride: Int
    /// `channels` filters of k x k row-major codes (PyTorch's layout).
    public let weights: QuantizedWeights
    /// In accumulator units.
    public let bias: [Int32]
    public let input: QuantizationParameters
    public let requantization: Requantization
    /// Weights reordered and bias folded for the C kernel (`eagle_depthwise_pack`), made once.
    let packed: [UInt8]

    /// Quantizes float weights (`channels x k x k`, BatchNorm folded) and bias.
    public init(channels: Int, kernelSize: Int, stride: Int, weights: [Float], bias: [Float],
                input: QuantizationParameters, output: QuantizationParameters, activation: ActivationClamp) throws {
        guard channels >= 1 else { throw KernelError.shapeMismatch("int8 depthwise convolution needs channels") }
        try expectCount(weights, channels * kernelSize * kernelSize, "int8 depthwise \(kernelSize)x\(kernelSize) weights")
        let q = try QuantizedWeights(weights, outputChannels: channels, bias: bias, inputScale: input.scale)
        try self.init(kernelSize: kernelSize, stride: stride, weights: q, bias: try q.quantizedBias(bias, inputScale: input.scale),
                      input: input, requantization: Requantization(inputScale: input.scale, weightScales: q.scales,
                                                                   output: output, activation: activation))
    }

    /// Wraps already quantized weights and bias.
    public init(kernelSize: Int, stride: Int, weights: QuantizedWeights, bias: [Int32], input: QuantizationParameters,
                requantization: Requantization) throws {
        let channels = weights.outputChannels
        guard kernelSize >= 1, stride >= 1, weights.values.count == channels * kernelSize * kernelSize,
              bias.count == channels, requantization.multipliers.count == channels else {
            throw KernelError.shapeMismatch("int8 depthwise \(kernelSize)x\(kernelSize)/\(stride) of \(channels) channels: weights, bias or multipliers do not fit")
        }
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.input = input
        self.requantization = requantization
        let k = Int32(kernelSize), clamp = requantization.clamp
        let multipliers = requantization.multipliers.map(\.multiplier), shifts = requantization.multipliers.map(\.shift)
        packed = Int8Kernel.pack(eagle_depthwise_packed_size(Int32(channels), k)) { out in
            eagle_depthwise_pack(Int32(channels), k, Int32(stride), weights.values, bias, multipliers, shifts,
                                 input.zeroPoint, requantization.output.zeroPoint, clamp.lowerBound, clamp.upperBound, out)
        }
    }

    /// The convolution of `input`; the output has ceil(h / stride) x ceil(w / stride) positions.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == channels && x.parameters == input, "int8 depthwise convolution got a tensor of other channels or quantization")
        let rows = SamePadding(size: x.height, kernel: kernelSize, stride: stride)
        let cols = SamePadding(size: x.width, kernel: kernelSize, stride: stride)
        return QuantizedTensor(height: rows.outputSize, width: cols.outputSize, channels: channels,
                               parameters: requantization.output) { out in
            Int8Kernel.run(packed, x, out, rows: rows.outputSize, work: cols.outputSize * channels * kernelSize * kernelSize,
                           eagle_depthwise_run)
        }
    }
}

/// Glue shared by the C-backed int8 layers (depthwise, stem, add, conversions). They follow
/// ``InstructionSet``: forcing `.portable` makes them take their portable C path.
public enum Int8Kernel {
    /// Output rows per worker below which splitting over threads costs more than it saves:
    /// about 200 k multiply-adds, roughly 20 µs of work.
    static let minimumWorkPerWorker = 200_000
    /// Row ranges per worker when the rows are shared (as the pointwise kernel's tiles).
    static let tasksPerWorker = 8

    /// A packed buffer of `size` bytes that `body` fills.
    static func pack(_ size: Int, _ body: (UnsafeMutableRawPointer) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Swift.max(size, 1)) { buffer, initialized in
            body(UnsafeMutableRawPointer(buffer.baseAddress!))
            initialized = Swift.max(size, 1)
        }
    }

    /// Runs `kernel` (a C `run(packed, input, height, width, output, rowBegin, rowEnd)`) over
    /// `rows` output rows on up to ``int8ThreadCount`` workers, each with at least
    /// ``minimumWorkPerWorker`` of `work` (multiply-adds per output row). The rows go out in
    /// ``tasksPerWorker`` contiguous ranges per worker, claimed in turn: with one range each, the
    /// caller waited for a helper that started late (woken from sleep at a frame's first layer)
    /// or lost its core for a while, its whole share long.
    static func run(_ packed: [UInt8], _ x: QuantizedTensor, _ out: UnsafeMutableBufferPointer<Int8>, rows: Int, work: Int,
                    _ kernel: @convention(c) (UnsafeRawPointer?, UnsafePointer<Int8>?, Int32, Int32,
                                              UnsafeMutablePointer<Int8>?, Int32, Int32) -> Void) {
        guard rows > 0, out.count > 0, x.values.count > 0 else { return }
        packed.withUnsafeBytes { p in
            x.values.withUnsafeBufferPointer { input in
                let layer = SharedBuffer(readOnly: UnsafeBufferPointer(start: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count))
                let source = SharedBuffer(readOnly: input), target = SharedBuffer(out)
                let workers = workerCount(rows: rows, workPerRow: work)
                let tasks = workers == 1 ? 1 : Swift.min(rows, workers * tasksPerWorker)
                let (height, width) = (Int32(x.height), Int32(x.width))
                Parallel.forEach(tasks, workers: workers) { t in
                    let begin = rows * t / tasks, end = rows * (t + 1) / tasks
                    kernel(UnsafeRawPointer(layer.pointer.baseAddress), source.pointer.baseAddress, height, width,
                           target.pointer.baseAddress, Int32(begin), Int32(end))
                }
            }
        }
    }

    /// How many workers to split `rows` rows of `workPerRow` each over.
    static func workerCount(rows: Int, workPerRow: Int) -> Int {
        let byWork = Swift.max(1, rows * Swift.max(workPerRow, 1) / minimumWorkPerWorker)
        return Swift.max(1, Swift.min(int8ThreadCount, rows, byWork))
    }

    /// The path the depthwise, stem and add kernels take now: "avx2", "neon" or "portable".
    public static var path: String { String(cString: eagle_kernels_simd_name()) }
}
