import Capture

/// How the line is, component by component and overall: what the live status, the journal's
/// health events and (later) the ready output, the MQTT health topic and the status page show.
public struct LineHealth: Sendable, Equatable, Codable {
    /// A component's state, worst last.
    public enum State: String, Sendable, Equatable, Codable, Comparable {
        /// Working as configured.
        case ok
        /// Working, with a fault that loses no decision (a journal retrying its disk).
        case degraded
        /// Not doing its job: parts are not inspected (no camera, a failing expert).
        case failed

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }

        private var rank: Int {
            switch self {
            case .ok: 0
            case .degraded: 1
            case .failed: 2
            }
        }
    }

    /// One component: `camera`, `expert`, `journal`, `archive`, `mqtt` when publishing and
    /// `actuator` with the reject actuator enabled.
    public struct Component: Sendable, Equatable, Codable {
        public var name: String
        public var state: State
        /// Why, when not ok.
        public var detail: String?
        /// For a publisher: messages waiting for delivery, and the age of the oldest in seconds.
        public var backlog: Int?
        public var oldestAgeSeconds: Double?

        public init(name: String, state: State, detail: String? = nil, backlog: Int? = nil, oldestAgeSeconds: Double? = nil) {
            self.name = name
            self.state = state
            self.detail = detail
            self.backlog = backlog
            self.oldestAgeSeconds = oldestAgeSeconds
        }

        /// Name, state and detail: what a change of health is made of (a backlog that grows
        /// or shrinks is not a change).
        public var condition: String { "\(name) \(state.rawValue) \(detail ?? "")" }
    }

    public var components: [Component]

    /// Adds the reject actuator: failed while its alarm stands (a pulse the confirm input did not
    /// confirm, an output that could not be set), since bad parts may then pass.
    public mutating func addActuator(alarm: String?) {
        components.append(Component(name: "actuator", state: alarm == nil ? .ok : .failed, detail: alarm))
    }

    /// The worst component's state.
    public var overall: State { components.map(\.state).max() ?? .ok }

    /// The components that are not ok, as "camera failed (camera_lost: ...)".
    public var problems: String {
        components.filter { $0.state != .ok }
            .map { component -> String in
                var text = "\(component.name) \(component.state.rawValue)"
                if let detail = component.detail { text += " (\(detail))" }
                if let backlog = component.backlog, backlog > 0 { text += " backlog \(backlog)" }
                return text
            }
            .joined(separator: ", ")
    }

    /// The health of a line whose camera is in `camera`, whose last part's expert run failed
    /// with `expertFailure` (nil when it succeeded), whose journal reports `journalProblem` and
    /// whose image archive `archiveProblem` (nil: fine, or no archive), and `others` (the
    /// publisher's) after them.
    public init(camera: CaptureHealth, expertFailure: String?, journalProblem: String?, archiveProblem: String? = nil,
                others: [Component] = []) {
        let cameraState: State
        switch camera {
        case .starting, .streaming: cameraState = .ok
        case .cameraLost, .stopped: cameraState = .failed
        }
        components = [
            Component(name: "camera", state: cameraState, detail: cameraState == .ok ? nil : camera.description),
            Component(name: "expert", state: expertFailure == nil ? .ok : .failed, detail: expertFailure),
            Component(name: "journal", state: journalProblem == nil ? .ok : .degraded, detail: journalProblem),
            Component(name: "archive", state: archiveProblem == nil ? .ok : .degraded, detail: archiveProblem),
        ] + others
    }
}
