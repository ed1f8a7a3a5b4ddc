import CEagleShims
import CV4L2
import Glibc

/// One pixel format a capture node offers, with the frame sizes and rates it offers in it
/// (`VIDIOC_ENUM_FMT`, `VIDIOC_ENUM_FRAMESIZES`, `VIDIOC_ENUM_FRAMEINTERVALS`).
public struct V4L2FormatDescription: Sendable, Equatable {
    public var index: Int
    public var pixelFormat: PixelFormat
    /// The driver's description, e.g. `Motion-JPEG`, `YUYV 4:2:2`.
    public var name: String
    public var isCompressed: Bool
    /// Made up by libv4l2 (converted in software), not sent by the camera.
    public var isEmulated: Bool
    /// Empty when the driver does not enumerate sizes (HDMI receivers: the size follows the
    /// incoming signal).
    public var sizes: [V4L2FrameSize]
}

/// A frame size or range of sizes, each with its frame intervals.
public struct V4L2FrameSize: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case discrete(width: Int, height: Int)
        /// Any size from min to max in steps (continuous when both steps are 1).
        case stepwise(minWidth: Int, maxWidth: Int, stepWidth: Int, minHeight: Int, maxHeight: Int, stepHeight: Int)
    }

    public var kind: Kind
    /// Intervals at this size (at the largest size for a stepwise range).
    public var intervals: [V4L2FrameInterval]
}

/// A frame interval (the inverse of a frame rate), or a range of them.
public enum V4L2FrameInterval: Sendable, Equatable {
    case discrete(Fraction)
    case stepwise(min: Fraction, max: Fraction, step: Fraction)

    /// A time as V4L2 gives it: numerator/denominator seconds.
    public struct Fraction: Sendable, Equatable {
        public var numerator: UInt32
        public var denominator: UInt32

        public init(numerator: UInt32, denominator: UInt32) {
            self.numerator = numerator
            self.denominator = denominator
        }

        /// In seconds; 0 when the denominator is 0 (a driver bug, never a crash).
        public var seconds: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }
        /// The frame rate this interval means; nil for a zero interval.
        public var framesPerSecond: Double? { numerator == 0 ? nil : Double(denominator) / Double(numerator) }
    }
}

extension V4L2Device {
    /// The formats of the capture queue, in the driver's order of preference, with their sizes
    /// and intervals.
    public func formatCatalog() throws -> [V4L2FormatDescription] {
        var formats: [V4L2FormatDescription] = []
        for index in 0..<256 {
            var raw = v4l2_fmtdesc()
            raw.index = UInt32(index)
            raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard try tryIOCTL(EAGLE_VIDIOC_ENUM_FMT, "VIDIOC_ENUM_FMT", &raw) else { break }
            let format = PixelFormat(rawValue: raw.pixelformat)
            formats.append(V4L2FormatDescription(
                index: index, pixelFormat: format, name: V4L2Capabilities.text(raw.description),
                isCompressed: raw.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
                isEmulated: raw.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0,
                sizes: try frameSizes(of: format)))
        }
        return formats
    }

    /// The sizes offered in `format`; empty when the driver does not enumerate them.
    public func frameSizes(of format: PixelFormat) throws -> [V4L2FrameSize] {
        var sizes: [V4L2FrameSize] = []
        for index in 0..<1024 {
            var raw = v4l2_frmsizeenum()
            raw.index = UInt32(index)
            raw.pixel_format = format.rawValue
            guard try tryEnumeration(EAGLE_VIDIOC_ENUM_FRAMESIZES, "VIDIOC_ENUM_FRAMESIZES", &raw) else { break }
            if raw.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                let (w, h) = (Int(raw.discrete.width), Int(raw.discrete.height))
                sizes.append(V4L2FrameSize(kind: .discrete(width: w, height: h),
                                           intervals: try frameIntervals(of: format, width: w, height: h)))
            } else {
                // Stepwise and continuous ranges are reported once, at index 0.
                let s = raw.stepwise
                sizes.append(V4L2FrameSize(
                    kind: .stepwise(minWidth: Int(s.min_width), maxWidth: Int(s.max_width), stepWidth: Int(s.step_width),
                                    minHeight: Int(s.min_height), maxHeight: Int(s.max_height), stepHeight: Int(s.step_height)),
                    intervals: try frameIntervals(of: format, width: Int(s.max_width), height: Int(s.max_height))))
                break
            }
        }
        return sizes
    }

    /// The frame intervals offered in `format` at `width` x `height`.
    public func frameIntervals(of format: PixelFormat, width: Int, height: Int) throws -> [V4L2FrameInterval] {
        var intervals: [V4L2FrameInterval] = []
        for index in 0..<256 {
            var raw = v4l2_frmivalenum()
            raw.index = UInt32(index)
            raw.pixel_format = format.rawValue
            raw.width = UInt32(clamping: width)
            raw.height = UInt32(clamping: height)
            guard try tryEnumeration(EAGLE_VIDIOC_ENUM_FRAMEINTERVALS, "VIDIOC_ENUM_FRAMEINTERVALS", &raw) else { break }
            func fraction(_ f: v4l2_fract) -> V4L2FrameInterval.Fraction {
                .init(numerator: f.numerator, denominator: f.denominator)
            }
            if raw.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                intervals.append(.discrete(fraction(raw.discrete)))
            } else {
                let s = raw.stepwise
                intervals.append(.stepwise(min: fraction(s.min), max: fraction(s.max), step: fraction(s.step)))
                break
            }
        }
        return intervals
    }

    /// Like ``tryIOCTL(_:_:_:)`` but an unsupported enumeration (ENOTTY) also ends the list:
    /// size and interval enumeration are optional for drivers.
    private func tryEnumeration<Argument>(_ request: UInt, _ name: String, _ argument: inout Argument) throws -> Bool {
        do {
            return try tryIOCTL(request, name, &argument)
        } catch let error as SystemCallError where error.code == ENOTTY {
            return false
        }
    }
}
