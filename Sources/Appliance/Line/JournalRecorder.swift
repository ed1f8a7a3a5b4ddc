import Actuate
import EagleLog
import Foundation
import Inspection

/// The line's records going into the journal: parts through the writer's queue (committed in
/// batches on its thread), and the events the line notes (start, stop, health changes).
public final class JournalRecorder: PartRecorder {
    public let writer: JournalWriter
    private let logger: Logger

    public init(writer: JournalWriter, logger: Logger) {
        self.writer = writer
        self.logger = logger
    }

    /// One above the highest id the journal ever stored. When the journal cannot be read at
    /// start (its directory missing or unreadable; the writer keeps retrying), the ids continue
    /// from the wall clock instead (milliseconds since 1970 times 1000), above any id a
    /// journal of this line can hold, so they cannot repeat either; the line keeps deciding.
    public func nextPartID() -> PartID {
        do {
            return try writer.perform { try $0.nextPartID() }
        } catch {
            let fallback = PartID(rawValue: Int64(Date().timeIntervalSince1970 * 1000) * 1000)
            logger.error("the journal cannot be read at start; part ids continue from the clock",
                         ["error": "\(error)", "first_id": "\(fallback)"])
            return fallback
        }
    }

    public func record(_ part: Part) {
        writer.submit(part)
    }

    public func note(_ event: JournalEvent) {
        writer.submit(event)
    }

    public func recordRejectResult(_ result: RejectResult) {
        writer.submit(result)
    }

    public var problem: String? { writer.counters.problem }

    public func flush(timeout seconds: Double) -> Bool {
        writer.flush(timeout: .milliseconds(Int64(max(seconds, 0) * 1000)))
    }
}
