/// What the line does with a part at the actuator: the one outcome that moves air.
public enum PartAction: String, Sendable, Equatable, CaseIterable, Codable {
    /// The part goes on.
    case pass
    /// The part is pushed off.
    case reject
}
