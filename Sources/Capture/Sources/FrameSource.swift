/// Anything that produces frames: a V4L2 camera, a folder of images, the synthetic line, or a
/// scripted fake in tests. ``CaptureLoop`` drives one from its own thread.
///
/// A source is used by one thread at a time: `start`, then `next` until it throws or ends,
/// then `stop`. It is not reused after `stop`; the loop makes a new one to reopen.
public protocol FrameSource: AnyObject {
    /// For log lines: the device path, the folder, or the synthetic line's seed.
    var name: String { get }

    /// Opens and starts the stream; returns what was negotiated.
    func start() throws -> StreamInfo

    /// Waits for the next frame. Bad data is an event, never an error: errors mean the source
    /// is lost (unplugged, timed out) and must be stopped and reopened.
    /// - Parameter stop: ends the wait early with ``SourceEvent/interrupted`` when raised.
    func next(stop: StopSignal) throws -> SourceEvent

    /// Stops streaming and releases the device. Never throws; idempotent.
    func stop()
}

/// What ``FrameSource/next(stop:)`` produced.
public enum SourceEvent: Sendable {
    /// A frame with a complete payload (it may still fail to decode).
    case frame(Frame)
    /// A frame that arrived unusable (V4L2_BUF_FLAG_ERROR, short payload, unreadable file):
    /// to be counted and skipped. `sequence` keeps the drop accounting right.
    case corrupt(sequence: UInt32?, reason: String)
    /// No more frames (the end of a folder that does not loop).
    case end
    /// The stop signal was raised while waiting.
    case interrupted
}

/// What a source negotiated when it started.
public struct StreamInfo: Sendable, Equatable, CustomStringConvertible {
    /// The source, e.g. `/dev/video0 (HD Pro Webcam C920, uvcvideo)`.
    public var source: String
    public var format: PixelFormat
    /// Frame size granted by the driver; nil when frames bring their own (a folder).
    public var width: Int?
    public var height: Int?
    /// Frame rate granted; nil when the driver does not say.
    public var framesPerSecond: Double?
    /// Driver buffers in the queue; nil for sources without any.
    public var bufferCount: Int?
    /// What became of each requested control.
    public var controls: [ControlOutcome]

    public init(source: String, format: PixelFormat, width: Int?, height: Int?, framesPerSecond: Double?,
                bufferCount: Int? = nil, controls: [ControlOutcome] = []) {
        self.source = source
        self.format = format
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.bufferCount = bufferCount
        self.controls = controls
    }

    public var description: String {
        var text = "\(source): \(format)"
        if let width, let height { text += " \(width)x\(height)" }
        if let fps = framesPerSecond { text += " at \(formatRate(fps)) fps" }
        if let bufferCount { text += ", \(bufferCount) buffers" }
        return text
    }
}

/// A frame rate with up to three decimals and no trailing zeros ("30", "29.97").
func formatRate(_ fps: Double) -> String {
    let rounded = (fps * 1000).rounded() / 1000
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}
