import Foundation

extension Double {
    /// This value with exactly `digits` decimals (`printf`'s `%.Nf`), the way reports show
    /// figures to people.
    public func rounded(_ digits: Int) -> String {
        String(format: "%.\(digits)f", self)
    }
}
