/// What the MQTT network thread and the journal's commit hook tell the Sparkplug node's thread,
/// under one condition: write confirmations, connections, received commands and host states,
/// new commits, stop.
final class SparkplugMailbox: @unchecked Sendable {
    struct Mail {
        var acknowledgements: [Int32] = []
        /// Messages on the node's subscriptions (NCMD, the primary host's STATE), in arrival order.
        var messages: [(topic: String, payload: [UInt8])] = []
        /// Increases with every accepted connection.
        var connection = 0
        var connected = false
        var stopping = false
    }

    private let box = Mailbox(Mail()) { mail in
        mail.acknowledgements.removeAll(keepingCapacity: true)
        mail.messages.removeAll(keepingCapacity: true)
    }

    func acknowledged(mid: Int32) {
        box.post { $0.acknowledgements.append(mid) }
    }

    func received(topic: String, payload: [UInt8]) {
        box.post { $0.messages.append((topic, payload)) }
    }

    func connected() {
        box.post { mail in
            mail.connection += 1
            mail.connected = true
        }
    }

    func disconnected() {
        box.post { $0.connected = false }
    }

    func stop() {
        box.post { $0.stopping = true }
    }

    /// Something new is in the journal.
    func wake() {
        box.post { _ in }
    }

    /// Waits until something is posted or `deadline` (CLOCK_MONOTONIC ns) passes, then takes
    /// the acknowledgements and messages and returns the rest as it stands.
    func take(waitingUntil deadline: UInt64) -> Mail {
        box.take(waitingUntil: deadline)
    }
}
