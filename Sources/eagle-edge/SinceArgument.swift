import Appliance
import Foundation

/// The `--since` of `results`: a UTC time, or how long ago.
enum SinceArgument {
    /// `2026-12-05T10:00:00Z` (any form `UTCTimestamp.parse` reads), or a whole number of
    /// seconds, minutes, hours or days before `now` (`30s`, `10m`, `2h`, `1d`); nil otherwise.
    static func parse(_ text: String, now: Date) -> Date? {
        if let time = UTCTimestamp.parse(text) { return time }
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        default: return nil
        }
        return now.addingTimeInterval(-Double(count) * seconds)
    }
}
