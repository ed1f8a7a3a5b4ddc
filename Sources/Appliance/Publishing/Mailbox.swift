import Capture

/// A thread's inbox: other threads (the MQTT network thread, the journal's commit hook) post
/// changes to one `Mail` value under one condition, and the owning thread takes it, waiting
/// until something is posted or a deadline passes.
final class Mailbox<Mail>: @unchecked Sendable {
    private let condition = MonotonicCondition()
    // Guarded by `condition`'s mutex.
    private var mail: Mail
    private var woken = false
    /// Empties what a take hands over once (queues of acknowledgements, messages).
    private let emptyTaken: (inout Mail) -> Void

    init(_ initial: Mail, emptyTaken: @escaping (inout Mail) -> Void) {
        mail = initial
        self.emptyTaken = emptyTaken
    }

    /// Changes the mail and wakes the owner.
    func post(_ change: (inout Mail) -> Void) {
        condition.locked {
            change(&mail)
            woken = true
            condition.broadcast()
        }
    }

    /// Reads the mail as it stands, without taking it.
    func peek<T>(_ read: (Mail) -> T) -> T {
        condition.locked { read(mail) }
    }

    /// Waits until something is posted or `deadline` (CLOCK_MONOTONIC ns) passes, then returns
    /// the mail as it stands and empties what is handed over once.
    func take(waitingUntil deadline: UInt64) -> Mail {
        condition.locked {
            while !woken, MonotonicClock.now() < deadline {
                _ = condition.wait(until: deadline)
            }
            woken = false
            let taken = mail
            emptyTaken(&mail)
            return taken
        }
    }
}
