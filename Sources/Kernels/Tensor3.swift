/// One image's activations in CHW order: `channels` planes of `height` rows of `width` Float32
/// values, no batch dimension and no row padding.
///
/// Value semantics: copies share storage until one is written (the `[Float]` buffer).
public struct Tensor3: Sendable, Equatable {
    /// Number of planes.
    public let channels: Int
    /// Rows per plane.
    public let height: Int
    /// Values per row.
    public let width: Int
    /// `channels * height * width` values; element (c, y, x) is at `(c * height + y) * width + x`.
    public var values: [Float]

    /// A tensor with every element set to `value`.
    public init(channels: Int, height: Int, width: Int, repeating value: Float = 0) {
        precondition(channels >= 0 && height >= 0 && width >= 0, "tensor dimensions must not be negative")
        self.channels = channels
        self.height = height
        self.width = width
        self.values = [Float](repeating: value, count: channels * height * width)
    }

    /// Wraps existing values; throws when their count does not match the shape.
    public init(channels: Int, height: Int, width: Int, values: [Float]) throws {
        guard channels >= 0, height >= 0, width >= 0, values.count == channels * height * width else {
            throw KernelError.shapeMismatch(
                "tensor \(channels)x\(height)x\(width) needs \(max(0, channels * height * width)) values, got \(values.count)"
            )
        }
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    /// A tensor whose every element the caller writes through `body` before returning; skips
    /// zero-filling a buffer that a kernel overwrites anyway.
    init(channels: Int, height: Int, width: Int, uninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = channels * height * width
        self.channels = channels
        self.height = height
        self.width = width
        self.values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }

    /// Elements in one channel plane.
    @inlinable public var planeSize: Int { height * width }

    /// The element of channel `c` at row `y`, column `x`.
    @inlinable
    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { values[(c * height + y) * width + x] }
        set { values[(c * height + y) * width + x] = newValue }
    }
}
