import Synchronization

/// The newest value one side posts and another reads when it likes: posting replaces what is
/// there under a lock held for a move, never for the reader's work, so the poster (the line)
/// never waits on a reader (a page viewer). Each post bumps ``Snapshot/version``, so a reader
/// can tell a new value from one it has already handled.
public final class LatestSlot<Value: Sendable>: Sendable {
    /// The value and how many posts made it.
    public struct Snapshot: Sendable {
        public var value: Value?
        public var version: UInt64
    }

    private let stored = Mutex(Snapshot(value: nil, version: 0))

    public init() {}

    /// Replaces the value.
    public func post(_ value: Value) {
        stored.withLock {
            $0.value = value
            $0.version &+= 1
        }
    }

    /// The value as it stands.
    public var latest: Snapshot { stored.withLock { $0 } }
}
