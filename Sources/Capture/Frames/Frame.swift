import Imaging

/// One captured frame as the source delivered it: compressed bytes or raw pixel rows, with the
/// driver's timestamp and sequence number. A value: the driver's buffer is already back in its
/// queue when a `Frame` exists.
public struct Frame: Sendable {
    /// Where ``timestamp`` comes from.
    public enum TimestampSource: String, Sendable {
        /// The driver's CLOCK_MONOTONIC stamp (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC): taken when
        /// the frame was captured, comparable with GPIO edge times.
        case driver
        /// Our CLOCK_MONOTONIC reading when the frame was dequeued or generated: later than
        /// the exposure by the transfer time.
        case dequeue
    }

    public var format: PixelFormat
    public var width: Int
    public var height: Int
    /// Bytes per row of raw formats (may include padding); 0 for compressed formats.
    public var bytesPerLine: Int
    /// The YCbCr range of YUYV frames (from the driver's quantization).
    public var range: YCbCrRange
    /// The payload: `bytesused` bytes of the buffer.
    public var data: [UInt8]
    /// CLOCK_MONOTONIC, nanoseconds.
    public var timestamp: UInt64
    public var timestampSource: TimestampSource
    /// The driver's frame counter; a gap means frames were dropped before we saw them.
    public var sequence: UInt32
    /// Ground truth of a synthetic frame; nil from cameras and folders.
    public var truth: PartTruth?

    public init(format: PixelFormat, width: Int, height: Int, bytesPerLine: Int, range: YCbCrRange = .limited,
                data: [UInt8], timestamp: UInt64, timestampSource: TimestampSource = .driver, sequence: UInt32,
                truth: PartTruth? = nil) {
        self.format = format
        self.width = width
        self.height = height
        self.bytesPerLine = bytesPerLine
        self.range = range
        self.data = data
        self.timestamp = timestamp
        self.timestampSource = timestampSource
        self.sequence = sequence
        self.truth = truth
    }

    /// A frame holding an RGB image (folder and synthetic sources).
    public init(image: RGBImage, timestamp: UInt64, sequence: UInt32, truth: PartTruth? = nil) {
        self.init(format: .rgb24, width: image.width, height: image.height, bytesPerLine: image.rowBytes,
                  data: image.pixels, timestamp: timestamp, timestampSource: .dequeue, sequence: sequence, truth: truth)
    }

    /// Bytes a complete raw frame needs (the last row need not carry its padding); nil for
    /// compressed formats.
    public var minimumRawBytes: Int? {
        guard let bpp = format.bytesPerPixel, height > 0 else { return nil }
        return bytesPerLine * (height - 1) + width * bpp
    }
}
