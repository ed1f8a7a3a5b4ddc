/// A one-slot hand-off between a producer and a consumer where the newest value wins.
///
/// The capture thread never waits for the pipeline: publishing overwrites an unread value and
/// says so, and the consumer always gets the freshest frame. A queue would let a slow expert
/// fall further and further behind the belt.
public final class LatestValueMailbox<Value: Sendable>: @unchecked Sendable {
    // All state is guarded by `condition`'s mutex.
    private let condition = MonotonicCondition()
    private var slot: Value?
    private var closed = false

    public init() {}

    /// Puts `value` in the slot; returns true when it replaced a value nobody took.
    /// Values published after ``close()`` are discarded (and reported as replaced: dropped).
    @discardableResult
    public func publish(_ value: Value) -> Bool {
        condition.locked {
            if closed { return true }
            let replaced = slot != nil
            slot = value
            condition.broadcast()
            return replaced
        }
    }

    /// Takes the value, waiting up to `timeoutNanoseconds` (nil: until one comes or the
    /// mailbox closes). Returns nil on timeout, or when closed and empty.
    public func take(timeoutNanoseconds: UInt64?) -> Value? {
        let deadline = timeoutNanoseconds.map { MonotonicClock.now() &+ $0 }
        return condition.locked {
            while slot == nil && !closed {
                if !condition.wait(until: deadline), slot == nil { return nil }
            }
            defer { slot = nil }
            return slot
        }
    }

    /// Wakes waiting consumers; the value still in the slot can be taken, then `take` returns nil.
    public func close() {
        condition.locked {
            closed = true
            condition.broadcast()
        }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { condition.locked { closed } }
}
