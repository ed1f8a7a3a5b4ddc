import Capture

/// What the MQTT network thread and the journal's commit hook tell the publisher thread, under
/// one condition: acknowledgements, new connections, new commits, stop.
final class PublisherMailbox: @unchecked Sendable {
    struct Mail {
        var acknowledgements: [(mid: Int32, reason: Int32)] = []
        /// Increases with every accepted connection.
        var connection = 0
        var connected = false
        var stopping = false
        /// Why the last connection attempt failed or the connection ended; nil while connected
        /// and after a stop on purpose.
        var problem: String?
    }

    private let condition = MonotonicCondition()
    // Guarded by `condition`'s mutex.
    private var mail = Mail()
    private var woken = false

    func acknowledged(mid: Int32, reason: Int32) {
        post { $0.acknowledgements.append((mid, reason)) }
    }

    func connected() {
        post { mail in
            mail.connection += 1
            mail.connected = true
            mail.problem = nil
        }
    }

    func disconnected(_ problem: String?) {
        post { mail in
            mail.connected = false
            mail.problem = problem
        }
    }

    /// Why the connection is down, now.
    var problem: String? {
        condition.locked { mail.problem }
    }

    func stop() {
        post { $0.stopping = true }
    }

    /// Something new is in the outbox.
    func wake() {
        post { _ in }
    }

    private func post(_ change: (inout Mail) -> Void) {
        condition.locked {
            change(&mail)
            woken = true
            condition.broadcast()
        }
    }

    /// Waits until something is posted or `deadline` (CLOCK_MONOTONIC ns) passes, then takes
    /// the acknowledgements and returns the rest as it stands.
    func take(waitingUntil deadline: UInt64) -> Mail {
        condition.locked {
            while !woken, MonotonicClock.now() < deadline {
                _ = condition.wait(until: deadline)
            }
            woken = false
            let taken = mail
            mail.acknowledgements.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
