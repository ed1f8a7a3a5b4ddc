import Glibc

/// A mutex with one condition variable whose timed waits run on CLOCK_MONOTONIC.
///
/// Foundation's `NSCondition.wait(until:)` takes a wall-clock `Date`: an NTP step on a board
/// that booted without network time would stretch or cut a frame wait by hours.
public final class MonotonicCondition: @unchecked Sendable {
    // Heap-allocated: pthread objects must never move. Guarded by themselves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes all waiters. Call with the mutex held (inside ``locked(_:)``).
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }

    /// Waits until woken or until `deadline` (CLOCK_MONOTONIC ns; nil: no limit). Call with
    /// the mutex held; returns false when the deadline passed. Wakeups may be spurious.
    public func wait(until deadline: UInt64?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
    }
}
