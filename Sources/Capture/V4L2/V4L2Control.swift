import CV4L2

/// One control of a V4L2 device (exposure, gain, white balance...), as
/// `VIDIOC_QUERY_EXT_CTRL` describes it, with its current value.
public struct V4L2Control: Sendable, Equatable {
    /// The kind of value a control holds.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case integer, boolean, menu, integerMenu, button, integer64, bitmask, string
        /// Not a control: the heading of a group ("User Controls", "Camera Controls").
        case controlClass
        /// A compound or newer type, listed but never read or set.
        case other(UInt32)

        init(_ raw: UInt32) {
            switch raw {
            case V4L2_CTRL_TYPE_INTEGER.rawValue: self = .integer
            case V4L2_CTRL_TYPE_BOOLEAN.rawValue: self = .boolean
            case V4L2_CTRL_TYPE_MENU.rawValue: self = .menu
            case V4L2_CTRL_TYPE_INTEGER_MENU.rawValue: self = .integerMenu
            case V4L2_CTRL_TYPE_BUTTON.rawValue: self = .button
            case V4L2_CTRL_TYPE_INTEGER64.rawValue: self = .integer64
            case V4L2_CTRL_TYPE_BITMASK.rawValue: self = .bitmask
            case V4L2_CTRL_TYPE_STRING.rawValue: self = .string
            case V4L2_CTRL_TYPE_CTRL_CLASS.rawValue: self = .controlClass
            default: self = .other(raw)
            }
        }

        /// The short names `v4l2-ctl --list-ctrls` prints.
        public var description: String {
            switch self {
            case .integer: return "int"
            case .boolean: return "bool"
            case .menu: return "menu"
            case .integerMenu: return "intmenu"
            case .button: return "button"
            case .integer64: return "int64"
            case .bitmask: return "bitmask"
            case .string: return "str"
            case .controlClass: return "class"
            // Compound types v4l2-ctl also names (V4L2_CTRL_TYPE_U8, _U16, _U32, _AREA).
            case .other(0x0100): return "u8"
            case .other(0x0101): return "u16"
            case .other(0x0102): return "u32"
            case .other(0x0106): return "area"
            case .other(let raw): return "type \(raw)"
            }
        }

        /// Whether the value is a number we can read and set (not a button, string or compound).
        public var hasNumericValue: Bool {
            switch self {
            case .integer, .boolean, .menu, .integerMenu, .integer64, .bitmask: return true
            case .button, .string, .controlClass, .other: return false
            }
        }
    }

    /// Control flags (`V4L2_CTRL_FLAG_*`).
    public struct Flags: OptionSet, Sendable, Hashable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let disabled = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_DISABLED))
        public static let grabbed = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_GRABBED))
        public static let readOnly = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_READ_ONLY))
        public static let inactive = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_INACTIVE))
        public static let writeOnly = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_WRITE_ONLY))
        public static let volatile = Flags(rawValue: UInt32(V4L2_CTRL_FLAG_VOLATILE))

        /// The names v4l2-ctl prints after `flags=`.
        public var names: [String] {
            let all: [(Flags, String)] = [
                (.disabled, "disabled"), (.grabbed, "grabbed"), (.readOnly, "read-only"), (.inactive, "inactive"),
                (.writeOnly, "write-only"), (.volatile, "volatile"),
            ]
            return all.filter { contains($0.0) }.map(\.1)
        }
    }

    /// One entry of a menu control: its index and either a name or (integer menus) a value.
    public struct MenuItem: Sendable, Equatable {
        public var index: Int64
        public var label: String
    }

    public var id: UInt32
    /// The driver's name, e.g. `Exposure Time, Absolute`.
    public var name: String
    /// The name as `v4l2-ctl` prints and accepts it, e.g. `exposure_time_absolute`: what the
    /// configuration's `camera.controls` keys are.
    public var key: String
    public var kind: Kind
    public var minimum: Int64
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    public var flags: Flags
    /// Valid entries of a menu control (indices the driver skips are absent).
    public var menu: [MenuItem]
    /// The current value; nil when it cannot be read (write-only, non-numeric, or the read failed).
    public var value: Int64?

    /// The `v4l2-ctl` form of a driver's control name: lowercase letters and digits, every run
    /// of other characters one underscore, none at either end ("Exposure Time, Absolute" ->
    /// "exposure_time_absolute").
    public static func key(forName name: String) -> String {
        var key = ""
        var pendingUnderscore = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingUnderscore { key += "_" }
                pendingUnderscore = false
                key.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            } else if !key.isEmpty {
                pendingUnderscore = true
            }
        }
        return key
    }

    /// The label of menu entry `value`, if it is one.
    public func menuLabel(_ value: Int64) -> String? {
        menu.first { $0.index == value }?.label
    }

    /// Whether `value` is one the driver accepts: within range, for menus an entry, for
    /// bitmasks only bits of the mask (`maximum`).
    public func accepts(_ value: Int64) -> Bool {
        if kind == .bitmask { return value >= 0 && value & ~maximum == 0 }
        guard value >= minimum, value <= maximum else { return false }
        switch kind {
        case .menu, .integerMenu: return menu.contains { $0.index == value }
        default: return true
        }
    }
}
