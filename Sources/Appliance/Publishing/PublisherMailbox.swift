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

    private let box = Mailbox(Mail()) { $0.acknowledgements.removeAll(keepingCapacity: true) }

    func acknowledged(mid: Int32, reason: Int32) {
        box.post { $0.acknowledgements.append((mid, reason)) }
    }

    func connected() {
        box.post { mail in
            mail.connection += 1
            mail.connected = true
            mail.problem = nil
        }
    }

    func disconnected(_ problem: String?) {
        box.post { mail in
            mail.connected = false
            mail.problem = problem
        }
    }

    /// Why the connection is down, now.
    var problem: String? {
        box.peek(\.problem)
    }

    func stop() {
        box.post { $0.stopping = true }
    }

    /// Something new is in the outbox.
    func wake() {
        box.post { _ in }
    }

    /// Waits until something is posted or `deadline` (CLOCK_MONOTONIC ns) passes, then takes
    /// the acknowledgements and returns the rest as it stands.
    func take(waitingUntil deadline: UInt64) -> Mail {
        box.take(waitingUntil: deadline)
    }
}
