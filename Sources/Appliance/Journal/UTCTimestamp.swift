import Foundation
import Glibc

/// Wall-clock times as the journal stores and shows them: ISO 8601 in UTC with milliseconds,
/// always 24 characters (`2026-12-05T10:00:00.250Z`), so text order is time order and
/// `sqlite3` users can compare columns with plain strings.
///
/// Written with `gmtime_r`/`timegm` rather than a Foundation date formatter: these run for
/// every part on the writer thread, and a formatter is neither cheap nor `Sendable`.
public enum UTCTimestamp {
    /// `date` to the nearest millisecond, e.g. `2026-12-05T10:00:00.250Z`.
    public static func string(_ date: Date) -> String {
        let millisecondsSinceEpoch = milliseconds(date)
        var seconds = time_t(millisecondsSinceEpoch.floorDivided(by: 1000))
        let millis = Int(millisecondsSinceEpoch - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(millis, 3) + "Z"
    }

    /// Whole milliseconds since 1970, to the nearest: the precision the journal keeps. (To the
    /// nearest, not down: `1.001` seconds is a hair below 1001 ms in binary.)
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of a whole number of milliseconds since 1970: what reading a stored time gives.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Parses a UTC time: `YYYY-MM-DD`, or that followed by `THH:MM`, `THH:MM:SS` or
    /// `THH:MM:SS.fff` (any number of fraction digits) and a final `Z`. Nil for anything else,
    /// local times included: an appliance's records are in UTC, and a time without its zone
    /// would silently mean something else on another machine.
    public static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[index..<index + digits] {
                guard scalar >= 48, scalar <= 57 else { return nil }
                value = value * 10 + Int(scalar - 48)
            }
            index += digits
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < scalars.count, scalars[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        // The fraction as an integer of `fractionDigits` digits (at most 9 kept), so that a
        // stored millisecond time reads back as exactly the date it was written from.
        var fraction: Int64 = 0, fractionDigits = 0
        if index < scalars.count {
            guard expect("T"), let h = number(2), expect(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if index < scalars.count, scalars[index] == Character(":").asciiValue {
                index += 1
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if index < scalars.count, scalars[index] == Character(".").asciiValue {
                    index += 1
                    let start = index
                    while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                        if fractionDigits < 9 {
                            fraction = fraction * 10 + Int64(scalars[index] - 48)
                            fractionDigits += 1
                        }
                        index += 1
                    }
                    guard index > start else { return nil }
                }
            }
            guard expect("Z"), index == scalars.count else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 February into March: refuse dates that do not exist.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        if fractionDigits <= 3 {
            var millis = fraction
            for _ in fractionDigits..<3 { millis *= 10 }
            return date(milliseconds: Int64(seconds) * 1000 + millis)
        }
        var nanos = fraction
        for _ in fractionDigits..<9 { nanos *= 10 }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so times before 1970 keep positive milliseconds.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
