import Capture
import CEagleShims
import CV4L2
import Foundation
import Glibc

/// Streams YUYV frames into vivid's video output, round and round, from its own thread: the
/// "scene" the virtual board's camera sees when vivid loops output to capture.
public final class VividOutput: @unchecked Sendable {
    // After `start` only the writer thread touches `device` and `buffers`, until `close` has
    // joined it.
    private let device: V4L2Device
    private var buffers: [MappedBuffer] = []
    private let frames: [[UInt8]]
    private let bytesPerLine: Int
    private let width: Int
    private let height: Int
    private let stop: StopSignal
    private let finished = DispatchSemaphore(value: 0)
    private var streaming = false
    private let lock = NSLock()
    private var writtenCount = 0
    private var failure: String?

    /// Opens `path`, sets the first DV timings and YUYV at their size, maps 4 buffers.
    public init(path: String, frames: [[UInt8]]) throws {
        device = try V4L2Device(path: path, access: .direct)
        guard try device.capabilities().isVideoOutput else {
            throw CaptureError.notACaptureDevice(path: path, reason: "not a video output")
        }
        (width, height) = try device.selectFirstDVTimings()
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue
        format.fmt.pix.width = UInt32(width)
        format.fmt.pix.height = UInt32(height)
        format.fmt.pix.pixelformat = PixelFormat.yuyv.rawValue
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try device.ioctl(EAGLE_VIDIOC_S_FMT, "VIDIOC_S_FMT (output)", &format)
        guard PixelFormat(rawValue: format.fmt.pix.pixelformat) == .yuyv,
              Int(format.fmt.pix.width) == width, Int(format.fmt.pix.height) == height else {
            throw CaptureError.streamFailed(path: path, reason: "output refused YUYV \(width)x\(height)")
        }
        bytesPerLine = max(Int(format.fmt.pix.bytesperline), width * 2)
        let frameBytes = width * height * 2
        guard frames.allSatisfy({ $0.count == frameBytes }) else {
            throw CaptureError.misconfigured("frames must be YUYV \(width)x\(height)")
        }
        self.frames = frames
        stop = try StopSignal()
        var request = v4l2_requestbuffers()
        request.count = 4
        request.type = V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.ioctl(EAGLE_VIDIOC_REQBUFS, "VIDIOC_REQBUFS (output)", &request)
        for index in 0..<Int(request.count) {
            var buffer = outputBuffer(index)
            try device.ioctl(EAGLE_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF (output)", &buffer)
            buffers.append(try MappedBuffer(device: device, index: index, offset: buffer.m.offset, length: Int(buffer.length)))
        }
    }

    deinit { close() }

    /// The frame size of the DV timings.
    public var size: (width: Int, height: Int) { (width, height) }

    /// Frames queued so far.
    public var written: Int {
        lock.lock()
        defer { lock.unlock() }
        return writtenCount
    }

    /// Why the writer thread stopped early, if it did.
    public var error: String? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Queues every buffer, starts streaming and keeps the queue full from a thread.
    public func start() throws {
        var next = 0
        for index in buffers.indices {
            try queue(index, frame: next)
            next += 1
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue)
        try device.ioctl(EAGLE_VIDIOC_STREAMON, "VIDIOC_STREAMON (output)", &type)
        streaming = true
        let queued = next
        Thread { [self] in
            defer { finished.signal() }
            var frame = queued
            do {
                while true {
                    switch try device.poll(for: Int16(POLLOUT), timeoutMilliseconds: 2000, stop: stop) {
                    case .stopped: return
                    case .timedOut, .failed: throw CaptureError.streamFailed(path: device.path, reason: "output stalled")
                    case .ready: break
                    }
                    var buffer = outputBuffer(0)
                    if eagle_v4l2_ioctl(device.descriptor, EAGLE_VIDIOC_DQBUF, &buffer) != 0 {
                        if errno == EAGAIN { continue }
                        throw SystemCallError(operation: "VIDIOC_DQBUF (output)", path: device.path, code: errno)
                    }
                    try queue(Int(buffer.index), frame: frame)
                    frame += 1
                }
            } catch {
                lock.lock()
                failure = "\(error)"
                lock.unlock()
            }
        }.start()
    }

    /// Stops streaming and closes the node. Idempotent.
    public func close() {
        guard device.descriptor >= 0 else { return }
        if streaming {
            stop.signal()
            finished.wait()
            var type = Int32(V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue)
            _ = try? device.ioctl(EAGLE_VIDIOC_STREAMOFF, "VIDIOC_STREAMOFF (output)", &type)
            streaming = false
        }
        buffers = []
        device.close()
    }

    private func outputBuffer(_ index: Int) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = UInt32(index)
        buffer.type = V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }

    /// Copies frame `frame` (round robin) into buffer `index` and queues it.
    private func queue(_ index: Int, frame: Int) throws {
        let source = frames[frame % frames.count]
        let target = buffers[index]
        let rowBytes = width * 2
        source.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            for row in 0..<height {
                (target.base + row * bytesPerLine).copyMemory(from: base + row * rowBytes, byteCount: rowBytes)
            }
        }
        var buffer = outputBuffer(index)
        buffer.bytesused = UInt32(bytesPerLine * height)
        buffer.field = V4L2_FIELD_NONE.rawValue
        try device.ioctl(EAGLE_VIDIOC_QBUF, "VIDIOC_QBUF (output)", &buffer)
        lock.lock()
        writtenCount += 1
        lock.unlock()
    }
}
