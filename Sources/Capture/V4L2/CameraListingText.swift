/// The text form of `eagle-edge cameras`, laid out like `v4l2-ctl`'s listings so the two can
/// be compared side by side.
public enum CameraListingText {
    /// Each camera (path and card, driver, capabilities, stable ids, inputs, the format in
    /// force, formats with sizes and intervals, controls) followed by a blank line, then a line
    /// per node that is not a capture device. Nodes that failed are left to the caller.
    public static func render(_ scan: CameraScan) -> String {
        var out = ""
        for camera in scan.cameras {
            describe(camera, into: &out)
            out += "\n"
        }
        for node in scan.otherNodes {
            out += "skipped \(node.path): not a capture device: \(node.text)\n"
        }
        return out
    }

    private static func describe(_ camera: CameraDescription, into out: inout String) {
        let caps = camera.capabilities
        out += "\(camera.path): \(caps.card)\n"
        out += "  driver: \(caps.driver) \(caps.version), bus: \(caps.busInfo)\n"
        out += "  capabilities: \(caps.capabilityNames.joined(separator: ", "))\n"
        if camera.stableLinks.isEmpty {
            out += "  stable ids: none (no /dev/v4l links; is udev running?)\n"
        } else {
            out += "  stable ids:\n"
            for link in camera.stableLinks { out += "    \(link)\n" }
        }
        for input in camera.inputs {
            let current = input.index == camera.currentInput ? ", current" : ""
            let status = input.status.isEmpty ? "" : ", " + input.status.joined(separator: ", ")
            out += "  input \(input.index): \(input.name) (\(input.type)\(status)\(current))\n"
        }
        if let format = camera.currentFormat {
            let rate = camera.currentFramesPerSecond.map { " at \(fps($0)) fps" } ?? ""
            out += "  format in force: \(format.format) \(format.width)x\(format.height)\(rate)\n"
        }
        out += "  formats:\n"
        for format in camera.formats {
            out += "    [\(format.index)]: '\(format.pixelFormat.fourcc)' (\(format.name)\(format.isCompressed ? ", compressed" : ""))\n"
            if format.sizes.isEmpty {
                out += "        Size: set by the input signal (no size enumeration)\n"
            }
            for size in format.sizes {
                switch size.kind {
                case .discrete(let width, let height):
                    out += "        Size: Discrete \(width)x\(height)\n"
                case .stepwise(let minW, let maxW, let stepW, let minH, let maxH, let stepH):
                    out += "        Size: Stepwise \(minW)x\(minH) - \(maxW)x\(maxH) with step \(stepW)/\(stepH)\n"
                }
                for interval in size.intervals {
                    out += "            Interval: \(describe(interval))\n"
                }
            }
        }
        out += "  controls:\n"
        for control in camera.controls {
            describe(control, into: &out)
        }
    }

    private static func describe(_ interval: V4L2FrameInterval) -> String {
        switch interval {
        case .discrete(let f):
            return "Discrete \(fps(f.seconds))s (\(f.framesPerSecond.map(fps) ?? "?") fps)"
        case .stepwise(let lower, let upper, let step):
            return "Stepwise \(fps(lower.seconds))s - \(fps(upper.seconds))s with step \(fps(step.seconds))s "
                + "(\(upper.framesPerSecond.map(fps) ?? "?")-\(lower.framesPerSecond.map(fps) ?? "?") fps)"
        }
    }

    /// One control as `v4l2-ctl --list-ctrls-menus` prints it.
    private static func describe(_ control: V4L2Control, into out: inout String) {
        if control.kind == .controlClass {
            out += "\n    \(control.name)\n\n"
            return
        }
        let id = "0x" + String(repeating: "0", count: max(0, 8 - String(control.id, radix: 16).count)) + String(control.id, radix: 16)
        var line = String(repeating: " ", count: max(0, 31 - control.key.count)) + control.key
        line += " \(id) (\(control.kind))"
        line += String(repeating: " ", count: max(0, 8 - control.kind.description.count)) + ": "
        switch control.kind {
        case .integer, .integer64:
            line += "min=\(control.minimum) max=\(control.maximum) step=\(control.step) default=\(control.defaultValue)"
        case .boolean:
            line += "default=\(control.defaultValue)"
        case .menu, .integerMenu:
            line += "min=\(control.minimum) max=\(control.maximum) default=\(control.defaultValue)"
        case .bitmask:
            line += "max=\(hex(control.maximum)) default=\(hex(control.defaultValue))"
        case .button, .string, .controlClass, .other:
            line += "min=\(control.minimum) max=\(control.maximum)"
        }
        if let value = control.value {
            line += " value=" + (control.kind == .bitmask ? hex(value) : "\(value)")
            if let label = control.menuLabel(value), control.kind == .menu { line += " (\(label))" }
        }
        if !control.flags.names.isEmpty { line += " flags=\(control.flags.names.joined(separator: ", "))" }
        out += "  " + line + "\n"
        for item in control.menu {
            out += "\t\t\t\t\(item.index): \(item.label)\n"
        }
    }

    /// A bitmask as v4l2-ctl prints it: 0x and eight hex digits.
    private static func hex(_ value: Int64) -> String {
        let digits = String(UInt32(truncatingIfNeeded: value), radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Three decimals, as v4l2-ctl prints intervals and rates.
    private static func fps(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
