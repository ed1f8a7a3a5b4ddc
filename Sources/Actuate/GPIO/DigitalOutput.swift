/// An output the reject scheduler drives: a GPIO line on the board, a recording fake in tests.
public protocol DigitalOutput: AnyObject, Sendable {
    /// Drives the output active or inactive.
    func set(_ active: Bool) throws
    /// Sets the output inactive and lets it go; later calls do nothing.
    func close()
}
