/// Which requested controls to set, in which order, and which to reject up front.
///
/// Pure (no device), so the rules are tested without a camera.
public struct ControlPlan: Sendable, Equatable {
    /// One control to set.
    public struct Write: Sendable, Equatable {
        public var control: V4L2Control
        /// The key as written in the settings.
        public var key: String
        public var value: Int
    }

    /// Controls to set, in this order.
    public var writes: [Write]
    /// Requests rejected before touching the device.
    public var rejected: [ControlOutcome]

    /// Matches `requests` (by `v4l2-ctl` name) against the device's `controls`.
    ///
    /// Mode switches (menus and booleans such as `auto_exposure`, `white_balance_automatic`,
    /// `focus_automatic_continuous`) are written before plain values, because a camera ignores
    /// or refuses `exposure_time_absolute` while automatic exposure is still on. Names are
    /// matched after the same normalisation v4l2-ctl applies, so `Exposure Time, Absolute` works too.
    public init(requests: [String: Int], controls: [V4L2Control]) {
        var byKey: [String: V4L2Control] = [:]
        for control in controls where control.kind != .controlClass {
            byKey[control.key] = byKey[control.key] ?? control
        }
        let available = byKey.keys.sorted()
        var writes: [Write] = []
        var rejected: [ControlOutcome] = []
        for (key, value) in requests.sorted(by: { $0.key < $1.key }) {
            guard let control = byKey[V4L2Control.key(forName: key)] else {
                rejected.append(ControlOutcome(key: key, requested: value, result: .unknown(available: available)))
                continue
            }
            if !control.kind.hasNumericValue {
                rejected.append(ControlOutcome(key: key, requested: value, result: .notSettable("a \(control.kind) control")))
            } else if control.flags.contains(.readOnly) {
                rejected.append(ControlOutcome(key: key, requested: value, result: .notSettable("read-only")))
            } else if !control.accepts(Int64(value)) {
                let allowed = control.kind == .menu || control.kind == .integerMenu ? control.menu.map(\.index) : []
                rejected.append(ControlOutcome(key: key, requested: value,
                                               result: .outOfRange(minimum: control.minimum, maximum: control.maximum, allowed: allowed)))
            } else {
                writes.append(Write(control: control, key: key, value: value))
            }
        }
        // Stable: within each group the order stays alphabetical.
        let modes = writes.filter { Self.isModeSwitch($0.control) }
        let values = writes.filter { !Self.isModeSwitch($0.control) }
        self.writes = modes + values
        self.rejected = rejected
    }

    private static func isModeSwitch(_ control: V4L2Control) -> Bool {
        control.kind == .menu || control.kind == .boolean
    }
}

extension V4L2Device {
    /// Sets the controls of `requests`, reading each back; never throws: every problem is an
    /// outcome. Outcomes come in the order of the plan's writes, then the rejected ones.
    public func applyControls(_ requests: [String: Int]) -> [ControlOutcome] {
        guard !requests.isEmpty else { return [] }
        let all: [V4L2Control]
        do {
            all = try controls()
        } catch {
            return requests.sorted { $0.key < $1.key }.map {
                ControlOutcome(key: $0.key, requested: $0.value, result: .failed("cannot list controls: \(error)"))
            }
        }
        let plan = ControlPlan(requests: requests, controls: all)
        var outcomes: [ControlOutcome] = []
        for write in plan.writes {
            do {
                try setValue(Int64(write.value), of: write.control)
                let granted = (try? value(of: write.control)) ?? Int64(write.value)
                outcomes.append(ControlOutcome(key: write.key, requested: write.value, result: .applied(granted: granted)))
            } catch let error as SystemCallError {
                outcomes.append(ControlOutcome(key: write.key, requested: write.value, result: .failed(error.reason)))
            } catch {
                outcomes.append(ControlOutcome(key: write.key, requested: write.value, result: .failed("\(error)")))
            }
        }
        return outcomes + plan.rejected
    }
}
