import Capture

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

    private let condition = MonotonicCondition()
    // Guarded by `condition`'s mutex.
    private var mail = Mail()
    private var woken = false

    func acknowledged(mid: Int32) {
        post { $0.acknowledgements.append(mid) }
    }

    func received(topic: String, payload: [UInt8]) {
        post { $0.messages.append((topic, payload)) }
    }

    func connected() {
        post { mail in
            mail.connection += 1
            mail.connected = true
        }
    }

    func disconnected() {
        post { $0.connected = false }
    }

    func stop() {
        post { $0.stopping = true }
    }

    /// Something new is in the journal.
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
    /// the acknowledgements and messages and returns the rest as it stands.
    func take(waitingUntil deadline: UInt64) -> Mail {
        condition.locked {
            while !woken, MonotonicClock.now() < deadline {
                _ = condition.wait(until: deadline)
            }
            woken = false
            let taken = mail
            mail.acknowledgements.removeAll(keepingCapacity: true)
            mail.messages.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
