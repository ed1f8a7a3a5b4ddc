import Glibc

/// A GPIO operation that failed, with the errno the kernel or libgpiod gave.
public struct GPIOError: Error, Equatable, CustomStringConvertible {
    /// What was attempted ("open /dev/gpiochip0", "request line 17 of pinctrl-rp1").
    public var operation: String
    /// The errno value; 0 for a failure that has none (a label or name not found).
    public var code: Int32
    /// Said instead of strerror when the code alone would mislead.
    public var detail: String?

    public init(_ operation: String, code: Int32, detail: String? = nil) {
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// The failure of `operation` as errno says now.
    static func errno(_ operation: String) -> GPIOError {
        GPIOError(operation, code: Glibc.errno)
    }

    public var description: String {
        if let detail { return "cannot \(operation): \(detail)" }
        let hint: String
        switch code {
        case EBUSY: hint = " (another program holds the line; `eagle-edge gpio list` names it)"
        case EACCES, EPERM: hint = " (no permission: add the user to the gpio group, see Board/udev)"
        default: hint = ""
        }
        return "cannot \(operation): \(String(cString: strerror(code)))\(hint)"
    }
}
