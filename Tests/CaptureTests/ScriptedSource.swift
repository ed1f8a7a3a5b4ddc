import Capture
import Foundation
import Imaging

/// The steps a ``ScriptedSource`` plays, shared by every source the loop makes, so a script
/// runs on across reopens like a real device that comes and goes.
final class Script: @unchecked Sendable {
    enum Step {
        /// `start()` succeeds.
        case open
        /// `start()` throws (the device is not there).
        case openFails(CaptureError)
        /// A good 4x2 RGB frame whose pixels all equal the low byte of its sequence number.
        case frame(UInt32)
        /// A frame with this payload, format and size (MJPEG tests).
        case payload(UInt32, PixelFormat, width: Int, height: Int, [UInt8])
        /// A frame the driver flagged as damaged.
        case corrupt(UInt32)
        /// `next()` throws: the device went away or stalled.
        case fail(CaptureError)
        /// The source has no more frames.
        case end
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var position = 0
    private var opens: [UInt64] = []

    init(_ steps: [Step]) { self.steps = steps }

    /// The next step, or nil when the script is over.
    func take() -> Step? {
        lock.lock()
        defer { lock.unlock() }
        guard position < steps.count else { return nil }
        defer { position += 1 }
        return steps[position]
    }

    func recordOpen() {
        lock.lock()
        opens.append(MonotonicClock.now())
        lock.unlock()
    }

    /// CLOCK_MONOTONIC times of every `start()` call.
    var openTimes: [UInt64] {
        lock.lock()
        defer { lock.unlock() }
        return opens
    }

    /// True when every step was played.
    var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return position >= steps.count
    }
}

/// A fake device driven by a ``Script``: the seam for testing ``CaptureLoop``'s accounting
/// and recovery without hardware.
final class ScriptedSource: FrameSource {
    let script: Script
    var name: String { "scripted" }

    init(_ script: Script) { self.script = script }

    func start() throws -> StreamInfo {
        script.recordOpen()
        switch script.take() {
        case .open: return StreamInfo(source: "scripted", format: .rgb24, width: 4, height: 2, framesPerSecond: nil)
        case .openFails(let error): throw error
        case nil: throw CaptureError.misconfigured("script over")
        case let step?: fatalError("script expected open, found \(step)")
        }
    }

    func next(stop: StopSignal) throws -> SourceEvent {
        switch script.take() {
        case .frame(let sequence):
            let image = RGBImage(width: 4, height: 2, fill: UInt8(truncatingIfNeeded: sequence))
            return .frame(Frame(image: image, timestamp: MonotonicClock.now(), sequence: sequence))
        case .payload(let sequence, let format, let width, let height, let bytes):
            return .frame(Frame(format: format, width: width, height: height, bytesPerLine: 0, data: bytes,
                                timestamp: MonotonicClock.now(), sequence: sequence))
        case .corrupt(let sequence):
            return .corrupt(sequence: sequence, reason: "scripted damage")
        case .fail(let error):
            throw error
        case .end:
            return .end
        case nil:
            // Out of steps: behave like a camera with nothing new to show until stopped.
            stop.wait(nanoseconds: 60_000_000_000)
            return .interrupted
        case let step?:
            fatalError("script expected a frame step, found \(step)")
        }
    }

    func stop() {}
}
