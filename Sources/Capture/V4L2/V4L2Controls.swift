import CEagleShims
import CV4L2
import Glibc

extension V4L2Device {
    /// Every enabled control of the device, in the driver's order, with menus and current values.
    public func controls() throws -> [V4L2Control] {
        var result: [V4L2Control] = []
        var id: UInt32 = 0
        let next = UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
        while result.count < 4096 {
            var raw = v4l2_query_ext_ctrl()
            raw.id = id | next
            let found: Bool
            do {
                found = try tryIOCTL(EAGLE_VIDIOC_QUERY_EXT_CTRL, "VIDIOC_QUERY_EXT_CTRL", &raw)
            } catch let error as SystemCallError where error.code == ENOTTY {
                return try legacyControls()
            }
            guard found, raw.id != id else { break }
            id = raw.id
            let flags = V4L2Control.Flags(rawValue: raw.flags)
            if flags.contains(.disabled) { continue }
            result.append(try describe(id: raw.id, name: V4L2Capabilities.text(raw.name), type: raw.type,
                                       minimum: raw.minimum, maximum: raw.maximum, step: raw.step,
                                       defaultValue: raw.default_value, flags: flags))
        }
        return result
    }

    /// Drivers older than `VIDIOC_QUERY_EXT_CTRL` (Linux 3.17): 32-bit controls only.
    private func legacyControls() throws -> [V4L2Control] {
        var result: [V4L2Control] = []
        var id: UInt32 = 0
        while result.count < 4096 {
            var raw = v4l2_queryctrl()
            raw.id = id | UInt32(V4L2_CTRL_FLAG_NEXT_CTRL)
            guard try tryIOCTL(EAGLE_VIDIOC_QUERYCTRL, "VIDIOC_QUERYCTRL", &raw), raw.id != id else { break }
            id = raw.id
            let flags = V4L2Control.Flags(rawValue: raw.flags)
            if flags.contains(.disabled) { continue }
            result.append(try describe(id: raw.id, name: V4L2Capabilities.text(raw.name), type: raw.type,
                                       minimum: Int64(raw.minimum), maximum: Int64(raw.maximum),
                                       step: UInt64(max(0, raw.step)), defaultValue: Int64(raw.default_value), flags: flags))
        }
        return result
    }

    private func describe(id: UInt32, name: String, type: UInt32, minimum: Int64, maximum: Int64, step: UInt64,
                          defaultValue: Int64, flags: V4L2Control.Flags) throws -> V4L2Control {
        let kind = V4L2Control.Kind(type)
        var control = V4L2Control(id: id, name: name, key: V4L2Control.key(forName: name), kind: kind,
                                  minimum: minimum, maximum: maximum, step: step, defaultValue: defaultValue,
                                  flags: flags, menu: [], value: nil)
        if kind == .menu || kind == .integerMenu {
            control.menu = try menuItems(id: id, minimum: minimum, maximum: maximum, integer: kind == .integerMenu)
        }
        if kind.hasNumericValue, !flags.contains(.writeOnly) {
            // A control that cannot be read right now (some UVC cameras refuse while streaming
            // elsewhere) is listed without a value rather than failing the whole listing.
            control.value = try? value(of: control)
        }
        return control
    }

    private func menuItems(id: UInt32, minimum: Int64, maximum: Int64, integer: Bool) throws -> [V4L2Control.MenuItem] {
        guard minimum >= 0, maximum >= minimum else { return [] }
        var items: [V4L2Control.MenuItem] = []
        // A bound against a driver reporting an absurd range.
        for index in minimum...min(maximum, minimum + 255) {
            var raw = v4l2_querymenu()
            raw.id = id
            raw.index = UInt32(index)
            // Drivers skip invalid entries by answering EINVAL for that index only.
            guard try tryIOCTL(EAGLE_VIDIOC_QUERYMENU, "VIDIOC_QUERYMENU", &raw) else { continue }
            items.append(.init(index: index, label: integer ? String(raw.value) : V4L2Capabilities.text(raw.name)))
        }
        return items
    }

    /// The current value of `control` (`VIDIOC_G_EXT_CTRLS`).
    public func value(of control: V4L2Control) throws -> Int64 {
        var entry = v4l2_ext_control()
        entry.id = control.id
        try exchange(&entry, request: EAGLE_VIDIOC_G_EXT_CTRLS, name: "VIDIOC_G_EXT_CTRLS \(control.key)")
        switch control.kind {
        case .integer64: return entry.value64
        case .bitmask: return Int64(UInt32(bitPattern: entry.value)) // 32 flag bits, not a signed number
        default: return Int64(entry.value)
        }
    }

    /// Sets `control` to `value` (`VIDIOC_S_EXT_CTRLS`); the driver may round it to its step.
    public func setValue(_ value: Int64, of control: V4L2Control) throws {
        var entry = v4l2_ext_control()
        entry.id = control.id
        switch control.kind {
        case .integer64: entry.value64 = value
        case .bitmask: entry.value = Int32(bitPattern: UInt32(truncatingIfNeeded: value))
        default: entry.value = Int32(clamping: value)
        }
        try exchange(&entry, request: EAGLE_VIDIOC_S_EXT_CTRLS, name: "VIDIOC_S_EXT_CTRLS \(control.key)=\(value)")
    }

    private func exchange(_ entry: inout v4l2_ext_control, request: UInt, name: String) throws {
        try withUnsafeMutablePointer(to: &entry) { pointer in
            var list = v4l2_ext_controls()
            list.which = UInt32(V4L2_CTRL_WHICH_CUR_VAL)
            list.count = 1
            list.controls = pointer
            try ioctl(request, name, &list)
        }
    }
}
