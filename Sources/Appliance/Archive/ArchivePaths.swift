import Foundation
import Glibc
import Inspection

/// Where a part's images go in the archive: a directory per UTC day of the decision, and files
/// named by the zero-padded part id, so a listing sorts them in decision order and a day can be
/// found (and deleted) as a whole. The paths are relative to the archive directory, as the
/// journal keeps them.
enum ArchivePaths {
    /// Digits a part id is padded to: ten years of a line at 30 parts/s.
    static let idDigits = 10
    /// What a file is called while it is being written.
    static let temporarySuffix = ".tmp"

    /// The images of `part`: always the frame, the overlay when there is an anomaly map to draw.
    static func images(of part: Part, overlay: Bool) -> ArchivedImages {
        let stem = day(of: part.decidedAt) + "/" + padded(part.id)
        return ArchivedImages(frame: stem + "-frame.jpg", overlay: overlay ? stem + "-overlay.jpg" : nil)
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    static func day(of date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(digits(Int(parts.tm_year) + 1900, 4))-\(digits(Int(parts.tm_mon) + 1, 2))-\(digits(Int(parts.tm_mday), 2))"
    }

    /// Whether a directory name is one of the archive's days (anything else in the archive
    /// directory is not the archive's to delete).
    static func isDay(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    /// Whether a file name is one of the archive's images.
    static func isImage(_ name: String) -> Bool {
        name.hasSuffix(".jpg")
    }

    private static func padded(_ id: PartID) -> String {
        digits(Int(id.rawValue), idDigits)
    }

    private static func digits(_ value: Int, _ count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }
}
