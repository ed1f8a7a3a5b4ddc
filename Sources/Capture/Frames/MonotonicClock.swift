import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the time base of V4L2 buffer timestamps and of GPIO edge
/// events, so a frame and the photo-eye edge of the part it shows can be compared directly.
/// (Swift's `ContinuousClock` is CLOCK_BOOTTIME on Linux, which drifts apart across suspend.)
public enum MonotonicClock {
    /// Nanoseconds since an unspecified start (boot, not counting suspend).
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
