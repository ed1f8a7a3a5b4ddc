import Glibc

/// CLOCK_MONOTONIC, the one time base of frames, GPIO edges and reject schedules.
public enum MonotonicTime {
    /// Nanoseconds since boot (not counting suspend).
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Sleeps until `deadline` on CLOCK_MONOTONIC: an absolute sleep does not drift by the time
    /// spent computing it, nor restart its whole length when a signal interrupts it.
    public static func sleep(until deadline: UInt64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}
