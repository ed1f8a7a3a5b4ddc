/// What became of one control asked for in the settings (`camera.controls`).
///
/// A wrong control name or value never stops the camera: it is reported here and in the log,
/// and the camera keeps its own setting for that control.
public struct ControlOutcome: Sendable, Equatable, CustomStringConvertible {
    public enum Result: Sendable, Equatable {
        /// Set; the value the driver reports afterwards (it may round to its step).
        case applied(granted: Int64)
        /// The device has no control of that name.
        case unknown(available: [String])
        /// Outside the control's range, or not an entry of its menu.
        case outOfRange(minimum: Int64, maximum: Int64, allowed: [Int64])
        /// Read-only or not a settable number (a button, a string, a compound control).
        case notSettable(String)
        /// The driver refused (e.g. EACCES: inactive because an automatic mode is on).
        case failed(String)
    }

    /// The key as written in the settings.
    public var key: String
    public var requested: Int
    public var result: Result

    public init(key: String, requested: Int, result: Result) {
        self.key = key
        self.requested = requested
        self.result = result
    }

    /// True when the control now has a value from the settings.
    public var isApplied: Bool {
        if case .applied = result { return true }
        return false
    }

    public var description: String {
        switch result {
        case .applied(let granted):
            return granted == Int64(requested) ? "\(key)=\(requested)" : "\(key)=\(granted) (asked \(requested))"
        case .unknown(let available):
            return "\(key): no such control on this camera (it has: \(available.joined(separator: ", ")))"
        case .outOfRange(let minimum, let maximum, let allowed):
            let choices = allowed.isEmpty ? "" : ", one of \(allowed.map(String.init).joined(separator: ", "))"
            return "\(key)=\(requested) is out of range (allowed \(minimum)...\(maximum)\(choices)); camera's own value kept"
        case .notSettable(let why):
            return "\(key): cannot be set (\(why))"
        case .failed(let reason):
            return "\(key)=\(requested) refused: \(reason)"
        }
    }
}
