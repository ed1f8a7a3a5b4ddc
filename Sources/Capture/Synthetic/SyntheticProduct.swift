/// The product the synthetic line makes, seen from above on the belt.
public enum SyntheticProduct: String, CaseIterable, Sendable {
    /// A round red plastic bottle cap with a knurled rim and a moulded ring.
    case bottleCap = "bottle_cap"
    /// A rectangular brushed-steel bracket with two mounting holes and a bent flange.
    case bracket
}
