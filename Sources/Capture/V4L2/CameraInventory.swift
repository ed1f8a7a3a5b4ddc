import CEagleShims
import CV4L2
import Foundation

/// Everything a capture device tells about itself: what `v4l2-ctl --all --list-formats-ext
/// --list-ctrls-menus` would show, gathered by our own code for `eagle-edge cameras`.
public struct CameraDescription: Sendable, Equatable {
    /// An input of the device (`VIDIOC_ENUMINPUT`): a sensor, an HDMI port...
    public struct Input: Sendable, Equatable {
        public var index: Int
        public var name: String
        /// `camera`, `tuner` or the raw type number.
        public var type: String
        /// Status flags worth showing (`no power`, `no signal`, `no color`).
        public var status: [String]
    }

    /// The node, e.g. `/dev/video0`.
    public var path: String
    public var capabilities: V4L2Capabilities
    /// The `/dev/v4l/by-id/*` and `/dev/v4l/by-path/*` links that point at the node: the
    /// names to put in `camera.device`, because `/dev/videoN` numbers change between boots.
    public var stableLinks: [String]
    public var inputs: [Input]
    public var currentInput: Int?
    /// A format with its frame size.
    public struct SizedFormat: Sendable, Equatable {
        public var format: PixelFormat
        public var width: Int
        public var height: Int
    }

    /// The format in force.
    public var currentFormat: SizedFormat?
    /// The frame rate in force, when the driver reports one.
    public var currentFramesPerSecond: Double?
    /// The driver's own formats (libv4l2's emulated ones are left out).
    public var formats: [V4L2FormatDescription]
    public var controls: [V4L2Control]
}

/// The result of looking through `/dev` for cameras.
public struct CameraScan: Sendable, Equatable {
    /// Capture devices, in node order.
    public var cameras: [CameraDescription]
    /// A node and a line about it.
    public struct Note: Sendable, Equatable {
        public var path: String
        public var text: String
    }

    /// Nodes that are V4L2 devices but not video capture (metadata nodes of UVC cameras,
    /// outputs, codecs), with what they are.
    public var otherNodes: [Note]
    /// Nodes that could not be opened or queried, with why; the others are still listed.
    public var failures: [Note]
}

/// Finds and describes the V4L2 devices of this machine.
public enum CameraInventory {
    /// Describes every `video<N>` node under `deviceDirectory`, in numeric order.
    /// - Parameter deviceDirectory: `/dev`; tests point it elsewhere.
    public static func scan(deviceDirectory: String = "/dev") -> CameraScan {
        var scan = CameraScan(cameras: [], otherNodes: [], failures: [])
        let links = stableLinks(deviceDirectory: deviceDirectory)
        for path in videoNodes(in: deviceDirectory) {
            do {
                let device = try V4L2Device(path: path, access: .direct)
                let caps = try device.capabilities()
                guard caps.isVideoCapture else {
                    scan.otherNodes.append(.init(path: path, text: "\(caps.card) (\(caps.driver)): \(caps.capabilityNames.joined(separator: ", "))"))
                    continue
                }
                scan.cameras.append(try describe(device, capabilities: caps, links: links[canonical(path)] ?? []))
            } catch {
                scan.failures.append(.init(path: path, text: "\(error)"))
            }
        }
        return scan
    }

    /// `video<N>` entries of `directory`, sorted by N.
    static func videoNodes(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let numbered = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("video"), let number = Int(name.dropFirst(5)), number >= 0 else { return nil }
            return (number, directory + "/" + name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// For each device node (resolved path), the `v4l/by-id` and `v4l/by-path` links to it.
    static func stableLinks(deviceDirectory: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for folder in ["v4l/by-id", "v4l/by-path"] {
            let directory = deviceDirectory + "/" + folder
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for name in names {
                let link = directory + "/" + name
                result[canonical(link), default: []].append(link)
            }
        }
        return result
    }

    /// The path with every symlink resolved (the path itself when it cannot be).
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func describe(_ device: V4L2Device, capabilities: V4L2Capabilities,
                                 links: [String]) throws -> CameraDescription {
        var description = CameraDescription(
            path: device.path, capabilities: capabilities, stableLinks: links, inputs: try inputs(of: device),
            currentInput: nil, currentFormat: nil, currentFramesPerSecond: nil,
            formats: try device.formatCatalog().filter { !$0.isEmulated }, controls: try device.controls())
        var input: Int32 = 0
        if (try? device.ioctl(EAGLE_VIDIOC_G_INPUT, "VIDIOC_G_INPUT", &input)) != nil { description.currentInput = Int(input) }
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if (try? device.ioctl(EAGLE_VIDIOC_G_FMT, "VIDIOC_G_FMT", &format)) != nil {
            description.currentFormat = .init(format: PixelFormat(rawValue: format.fmt.pix.pixelformat),
                                              width: Int(format.fmt.pix.width), height: Int(format.fmt.pix.height))
        }
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if (try? device.ioctl(EAGLE_VIDIOC_G_PARM, "VIDIOC_G_PARM", &parm)) != nil {
            let interval = parm.parm.capture.timeperframe
            description.currentFramesPerSecond = V4L2FrameInterval.Fraction(numerator: interval.numerator,
                                                                            denominator: interval.denominator).framesPerSecond
        }
        return description
    }

    private static func inputs(of device: V4L2Device) throws -> [CameraDescription.Input] {
        var inputs: [CameraDescription.Input] = []
        for index in 0..<64 {
            var raw = v4l2_input()
            raw.index = UInt32(index)
            let found: Bool
            do {
                found = try device.tryIOCTL(EAGLE_VIDIOC_ENUMINPUT, "VIDIOC_ENUMINPUT", &raw)
            } catch let error as SystemCallError where error.code == ENOTTY {
                break
            }
            guard found else { break }
            let type: String
            switch Int32(raw.type) {
            case V4L2_INPUT_TYPE_CAMERA: type = "camera"
            case V4L2_INPUT_TYPE_TUNER: type = "tuner"
            default: type = "type \(raw.type)"
            }
            var status: [String] = []
            if raw.status & UInt32(V4L2_IN_ST_NO_POWER) != 0 { status.append("no power") }
            if raw.status & UInt32(V4L2_IN_ST_NO_SIGNAL) != 0 { status.append("no signal") }
            if raw.status & UInt32(V4L2_IN_ST_NO_COLOR) != 0 { status.append("no color") }
            inputs.append(.init(index: index, name: V4L2Capabilities.text(raw.name), type: type, status: status))
        }
        return inputs
    }
}
