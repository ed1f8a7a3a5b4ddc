import Actuate
import Inspection

/// Where the line hands each part record, in order, the moment it is decided: the journal, which
/// commits it before anything is published. It must not block the line for long.
public protocol PartRecorder: AnyObject, Sendable {
    /// The id the line gives its first part: one above the highest ever recorded.
    func nextPartID() -> PartID
    /// Takes one part record (queued; committed soon after).
    func record(_ part: Part)
    /// Takes an event of the line's (start, stop, a health change); events may be dropped
    /// under pressure, parts never.
    func note(_ event: JournalEvent)
    /// Why records cannot be written right now (they wait in memory); nil while they can.
    var problem: String? { get }
    /// Returns once every part recorded so far is committed, or the timeout (seconds) passed;
    /// false on timeout.
    func flush(timeout seconds: Double) -> Bool
    /// Takes a part's end at the reject actuator (on the reject thread: must never wait).
    func recordRejectResult(_ result: RejectResult)
}

extension PartRecorder {
    /// Recorders that keep no actuator outcomes ignore them.
    public func recordRejectResult(_ result: RejectResult) {}
}
