import CEagleShims
import CV4L2
import EagleLog
import Glibc
import Imaging

/// A V4L2 capture device streaming through mmap buffers: the production frame source.
///
/// `start` opens the node (through libv4l2), checks it is a streaming capture device,
/// negotiates format, size and rate, sets the configured controls, maps at least 4 buffers
/// and starts streaming. `next` waits with `poll`, dequeues one buffer, copies the payload out
/// and requeues the buffer at once, so the driver is never short of buffers while the
/// pipeline works on a frame.
public final class V4L2Camera: FrameSource {
    /// The node as configured: a `/dev/v4l/by-id/...` link is followed at every (re)open.
    public let path: String
    public let settings: CaptureSettings
    private let logger: Logger

    private var device: V4L2Device?
    private var buffers: [MappedBuffer] = []
    private var geometry: Geometry?
    private var warnedAboutTimestamps = false

    /// The frame layout the driver granted.
    private struct Geometry {
        var format: PixelFormat
        var width: Int
        var height: Int
        var bytesPerLine: Int
        var range: YCbCrRange
    }

    /// - Parameters:
    ///   - path: the device node; symlinks are followed.
    ///   - settings: format preference, size, rate, buffers, timeout and controls.
    public init(path: String, settings: CaptureSettings, logger: Logger = Logger(label: "camera")) {
        self.path = path
        self.settings = settings
        self.logger = logger
    }

    deinit { stop() }

    public var name: String { path }

    public func start() throws -> StreamInfo {
        stop()
        do {
            return try open()
        } catch let error as SystemCallError {
            stop()
            throw CaptureError.system(error)
        } catch {
            stop()
            throw error
        }
    }

    private func open() throws -> StreamInfo {
        let device = try V4L2Device(path: path, access: .libv4l2)
        self.device = device
        let caps = try device.capabilities()
        guard caps.isVideoCapture else {
            let reason = caps.isMultiplanarOnly
                ? "it captures multi-planar only, which is not supported"
                : "it has no video capture (\(caps.capabilityNames.joined(separator: ", ")))"
            throw CaptureError.notACaptureDevice(path: path, reason: reason)
        }
        guard caps.canStream else {
            throw CaptureError.notACaptureDevice(path: path, reason: "it cannot stream buffers")
        }
        let catalog = try device.formatCatalog()
        guard let format = FormatChoice.choose(settings.format, offered: catalog, isUSB: caps.isUSB) else {
            throw CaptureError.formatNotOffered(path: path, wanted: settings.format == .auto ? "MJPEG, YUYV or GREY" : settings.format.rawValue.uppercased(),
                                                offered: catalog.filter { !$0.isEmulated }.map(\.pixelFormat))
        }
        let granted = try setFormat(format, on: device)
        let fps = setFrameRate(on: device)
        let outcomes = device.applyControls(settings.controls)
        for outcome in outcomes {
            if outcome.isApplied {
                logger.info("control set", ["device": path, "control": outcome.description])
            } else {
                logger.warning("control not applied", ["device": path, "control": outcome.description])
            }
        }
        try startStreaming(on: device)
        let info = StreamInfo(source: "\(path) (\(caps.card), \(caps.driver))", format: granted.format,
                              width: granted.width, height: granted.height, framesPerSecond: fps,
                              bufferCount: buffers.count, controls: outcomes)
        logger.info("camera streaming", [
            "device": path, "card": caps.card, "bus": caps.busInfo, "format": "\(granted.format)",
            "size": "\(granted.width)x\(granted.height)", "fps": fps.map(formatRate) ?? "unknown",
            "buffers": "\(buffers.count)",
        ])
        return info
    }

    /// `VIDIOC_S_FMT`, then what the driver actually granted.
    private func setFormat(_ format: PixelFormat, on device: V4L2Device) throws -> (format: PixelFormat, width: Int, height: Int) {
        var raw = v4l2_format()
        raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        raw.fmt.pix.width = UInt32(clamping: settings.width)
        raw.fmt.pix.height = UInt32(clamping: settings.height)
        raw.fmt.pix.pixelformat = format.rawValue
        raw.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try device.ioctl(EAGLE_VIDIOC_S_FMT, "VIDIOC_S_FMT", &raw)
        let pix = raw.fmt.pix
        let grantedFormat = PixelFormat(rawValue: pix.pixelformat)
        guard grantedFormat == format else {
            throw CaptureError.formatNotOffered(path: path, wanted: format.description, offered: [grantedFormat])
        }
        let width = Int(pix.width), height = Int(pix.height)
        guard width > 0, height > 0 else {
            throw CaptureError.streamFailed(path: path, reason: "the driver granted an empty \(width)x\(height) frame")
        }
        if width != settings.width || height != settings.height {
            logger.notice("camera size differs from the settings", [
                "device": path, "asked": "\(settings.width)x\(settings.height)", "granted": "\(width)x\(height)",
            ])
        }
        if pix.field != V4L2_FIELD_NONE.rawValue && pix.field != V4L2_FIELD_ANY.rawValue {
            logger.warning("camera delivers interlaced frames", ["device": path, "field": "\(pix.field)"])
        }
        // Some drivers leave bytesperline 0 for packed formats; rows are then unpadded.
        var bytesPerLine = Int(pix.bytesperline)
        if let bpp = format.bytesPerPixel, bytesPerLine < width * bpp { bytesPerLine = width * bpp }
        if format.isCompressed { bytesPerLine = 0 }
        let full = pix.quantization == UInt32(V4L2_QUANTIZATION_FULL_RANGE.rawValue)
            || (pix.quantization == UInt32(V4L2_QUANTIZATION_DEFAULT.rawValue) && pix.colorspace == V4L2_COLORSPACE_JPEG.rawValue)
        geometry = Geometry(format: format, width: width, height: height, bytesPerLine: bytesPerLine,
                            range: full ? .full : .limited)
        return (format, width, height)
    }

    /// `VIDIOC_S_PARM` when the driver lets us choose the rate; returns the rate in force.
    private func setFrameRate(on device: V4L2Device) -> Double? {
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        guard (try? device.ioctl(EAGLE_VIDIOC_G_PARM, "VIDIOC_G_PARM", &parm)) != nil else { return nil }
        if parm.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 {
            parm.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(clamping: max(1, settings.fps)))
            do {
                try device.ioctl(EAGLE_VIDIOC_S_PARM, "VIDIOC_S_PARM", &parm)
            } catch {
                logger.warning("frame rate not set", ["device": path, "fps": "\(settings.fps)", "error": "\(error)"])
            }
        }
        let interval = V4L2FrameInterval.Fraction(numerator: parm.parm.capture.timeperframe.numerator,
                                                  denominator: parm.parm.capture.timeperframe.denominator)
        return interval.framesPerSecond
    }

    private func startStreaming(on device: V4L2Device) throws {
        var request = v4l2_requestbuffers()
        request.count = UInt32(clamping: max(4, settings.buffers))
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.ioctl(EAGLE_VIDIOC_REQBUFS, "VIDIOC_REQBUFS", &request)
        guard request.count >= 2 else {
            throw CaptureError.streamFailed(path: path, reason: "the driver granted \(request.count) buffer(s); streaming needs at least 2")
        }
        for index in 0..<Int(request.count) {
            var buffer = v4l2_buffer()
            buffer.index = UInt32(index)
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            try device.ioctl(EAGLE_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF", &buffer)
            buffers.append(try MappedBuffer(device: device, index: index, offset: buffer.m.offset, length: Int(buffer.length)))
            try device.ioctl(EAGLE_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try device.ioctl(EAGLE_VIDIOC_STREAMON, "VIDIOC_STREAMON", &type)
    }

    public func next(stop: StopSignal) throws -> SourceEvent {
        guard let device, let geometry else {
            throw CaptureError.streamFailed(path: path, reason: "not started")
        }
        let deadline = MonotonicClock.now() &+ UInt64(max(1, settings.timeoutMs)) * 1_000_000
        while true {
            let now = MonotonicClock.now()
            let remaining = deadline > now ? Int((deadline - now + 999_999) / 1_000_000) : 0
            let readiness: V4L2Device.Readiness
            do {
                readiness = try device.poll(timeoutMilliseconds: remaining, stop: stop)
            } catch let error as SystemCallError {
                throw CaptureError.system(error)
            }
            switch readiness {
            case .stopped:
                return .interrupted
            case .timedOut:
                throw CaptureError.timeout(path: path, milliseconds: settings.timeoutMs)
            case .ready, .failed:
                // After POLLERR the dequeue tells why (ENODEV when unplugged, EIO on a
                // driver error); a clean dequeue after all is a frame like any other.
                var buffer = v4l2_buffer()
                buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
                buffer.memory = V4L2_MEMORY_MMAP.rawValue
                let result = eagle_v4l2_ioctl(device.descriptor, EAGLE_VIDIOC_DQBUF, &buffer)
                if result != 0 {
                    let code = errno
                    if code == EAGAIN && readiness == .ready { continue }
                    if code == EAGAIN {
                        throw CaptureError.streamFailed(path: path, reason: "the driver reported an error on the stream")
                    }
                    throw CaptureError.system(SystemCallError(operation: "VIDIOC_DQBUF", path: path, code: code))
                }
                let event = try take(buffer, geometry: geometry)
                do {
                    try device.ioctl(EAGLE_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
                } catch let error as SystemCallError {
                    throw CaptureError.system(error)
                }
                return event
            }
        }
    }

    /// Copies a dequeued buffer out as a frame, or judges it corrupt.
    private func take(_ buffer: v4l2_buffer, geometry: Geometry) throws -> SourceEvent {
        let index = Int(buffer.index)
        guard index < buffers.count else {
            throw CaptureError.streamFailed(path: path, reason: "the driver returned buffer \(index) of \(buffers.count)")
        }
        let sequence = buffer.sequence
        if buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 {
            return .corrupt(sequence: sequence, reason: "the driver flagged buffer \(index) as damaged (V4L2_BUF_FLAG_ERROR)")
        }
        let used = min(Int(buffer.bytesused), buffers[index].length)
        var frame = Frame(format: geometry.format, width: geometry.width, height: geometry.height,
                          bytesPerLine: geometry.bytesPerLine, range: geometry.range, data: [],
                          timestamp: 0, sequence: sequence)
        if used == 0 {
            return .corrupt(sequence: sequence, reason: "empty buffer")
        }
        if let needed = frame.minimumRawBytes, used < needed {
            return .corrupt(sequence: sequence, reason: "short payload: \(used) of \(needed) bytes")
        }
        frame.data = Array(buffers[index].bytes(count: used))
        if buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) {
            frame.timestamp = UInt64(max(0, buffer.timestamp.tv_sec)) * 1_000_000_000 + UInt64(max(0, buffer.timestamp.tv_usec)) * 1000
        } else {
            if !warnedAboutTimestamps {
                warnedAboutTimestamps = true
                logger.warning("driver timestamps are not CLOCK_MONOTONIC; using the dequeue time", [
                    "device": path, "flags": "0x" + String(buffer.flags, radix: 16),
                ])
            }
            frame.timestamp = MonotonicClock.now()
            frame.timestampSource = .dequeue
        }
        return .frame(frame)
    }

    public func stop() {
        if let device, device.descriptor >= 0, !buffers.isEmpty {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            // Fails harmlessly when the device is already gone.
            _ = try? device.ioctl(EAGLE_VIDIOC_STREAMOFF, "VIDIOC_STREAMOFF", &type)
        }
        buffers = [] // unmaps, which must happen before the descriptor closes
        geometry = nil
        device?.close()
        device = nil
    }
}
