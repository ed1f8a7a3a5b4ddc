import CEagleShims

/// An input's internal resistor.
public enum GPIOBias: String, Sendable, Equatable, CaseIterable {
    /// Left as the board set it.
    case asIs = "as_is"
    case disabled
    case pullUp = "pull_up"
    case pullDown = "pull_down"

    init(shim: Int32) {
        switch UInt32(bitPattern: shim) {
        case EAGLE_GPIO_BIAS_DISABLED.rawValue: self = .disabled
        case EAGLE_GPIO_BIAS_PULL_UP.rawValue: self = .pullUp
        case EAGLE_GPIO_BIAS_PULL_DOWN.rawValue: self = .pullDown
        default: self = .asIs
        }
    }

    var shim: Int32 {
        switch self {
        case .asIs: Int32(EAGLE_GPIO_BIAS_AS_IS.rawValue)
        case .disabled: Int32(EAGLE_GPIO_BIAS_DISABLED.rawValue)
        case .pullUp: Int32(EAGLE_GPIO_BIAS_PULL_UP.rawValue)
        case .pullDown: Int32(EAGLE_GPIO_BIAS_PULL_DOWN.rawValue)
        }
    }
}
